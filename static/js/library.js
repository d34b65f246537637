// The article page: "Expand all" and "Collapse all" for its <details> sections, and
// opening the section a link points at. Without this script every section still
// opens and closes on its own, by mouse or keyboard.
document.addEventListener("DOMContentLoaded", () => {
  const sections = Array.from(document.querySelectorAll("details.article-section"));
  const holder = document.querySelector("[data-article-controls]");
  if (!sections.length || !holder) {
    return;
  }
  const ids = sections.map((section) => section.id).join(" ");
  const addButton = (label, icon, open) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-secondary";
    button.setAttribute("aria-controls", ids);
    const glyph = document.createElement("i");
    glyph.className = `bi bi-${icon}`;
    glyph.setAttribute("aria-hidden", "true");
    button.append(glyph, ` ${label}`);
    button.addEventListener("click", () => {
      sections.forEach((section) => {
        section.open = open;
      });
    });
    holder.append(button);
  };
  addButton("Expand all", "arrows-expand", true);
  addButton("Collapse all", "arrows-collapse", false);

  const openTarget = () => {
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && target.matches("details.article-section") && !target.open) {
      target.open = true;
      target.scrollIntoView();
    }
  };
  openTarget();
  window.addEventListener("hashchange", openTarget);
});
