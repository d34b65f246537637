/* Keyboard-operable ordering for the admin's sortable inlines.
 *
 * django-admin-sortable2 gives each saved row a drag handle and a hidden order field
 * (input._reorder_); dragging needs a mouse. This adds "Move up" and "Move down" buttons
 * to every saved row of a sortable inline: they move the row, renumber the hidden fields
 * as the drag does, keep focus on the button and announce the new place. The portal
 * renumbers positions again on save (portal/ordering.py), so the numbers only say the
 * order.
 */
(function () {
  "use strict";

  function rowsOf(fieldset) {
    return Array.from(
      fieldset.querySelectorAll("tr.has_original, .inline-related.has_original")
    );
  }

  function renumber(fieldset) {
    const rows = rowsOf(fieldset);
    const reversed = fieldset.classList.contains("reversed");
    rows.forEach(function (row, index) {
      const input = row.querySelector("input._reorder_");
      if (input) {
        input.value = String(reversed ? rows.length - index : index + 1);
      }
    });
    return rows;
  }

  function labelOf(row) {
    const text = row.querySelector("h3 .inline_label") || row.querySelector("td.original p");
    // The row's name without its "Change" link.
    const link = text ? text.querySelector("a") : null;
    const name = text ? text.textContent.replace(link ? link.textContent : "", "") : "";
    return name.trim() || "row";
  }

  function announce(fieldset, message) {
    let live = fieldset.querySelector(".ordering-status");
    if (!live) {
      live = document.createElement("p");
      live.className = "ordering-status visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      fieldset.appendChild(live);
    }
    live.textContent = message;
  }

  function move(fieldset, row, step) {
    const rows = rowsOf(fieldset);
    const index = rows.indexOf(row);
    const target = rows[index + step];
    if (!target) {
      return;
    }
    if (step < 0) {
      target.insertAdjacentElement("beforebegin", row);
    } else {
      target.insertAdjacentElement("afterend", row);
    }
    const now = renumber(fieldset);
    // Django's inline script keeps the row classes (row1/row2) in step; ours only order.
    announce(fieldset, labelOf(row) + " moved to place " + (now.indexOf(row) + 1) + " of " + now.length + ".");
  }

  function button(text, label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "ordering-move";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", function (event) {
      event.preventDefault();
      onClick();
      b.focus();
    });
    return b;
  }

  function enhance(fieldset) {
    rowsOf(fieldset).forEach(function (row) {
      if (row.querySelector(".ordering-buttons")) {
        return;
      }
      const name = labelOf(row);
      const box = document.createElement("span");
      box.className = "ordering-buttons";
      box.appendChild(button("↑ Up", "Move " + name + " up", function () { move(fieldset, row, -1); }));
      box.appendChild(button("↓ Down", "Move " + name + " down", function () { move(fieldset, row, 1); }));
      const place = row.querySelector("td.original") || row.querySelector("h3");
      if (place) {
        place.appendChild(box);
      }
    });
  }

  function start() {
    document.querySelectorAll("fieldset.sortable").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
