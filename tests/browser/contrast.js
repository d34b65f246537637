// WCAG 2.2 success criterion 1.4.11 (non-text contrast) for form controls, measured in the
// browser from computed styles: axe-core has no check for it.
//
// For every visible radio, checkbox, text input, textarea and select, in each state
// (as it is, checked and unchecked, disabled, and focused when asked), the part that shows
// the control (its border, or its fill when that is what stands out) must reach 3:1 against
// the colour behind the control, and a focused control's outline 3:1 as well.
// Returns {checked: n, measurements: [...], failures: [...]}; leaves every control as it was.
(options) => {
  const withFocus = Boolean(options && options.focus);
  const MINIMUM = 3;

  const parse = (value) => {
    if (!value || value === "transparent") return { r: 0, g: 0, b: 0, a: 0 };
    let m = value.match(/^rgba?\(([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(parseFloat);
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    }
    m = value.match(/^color\(srgb ([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s/]+/).filter(Boolean).map(parseFloat);
      return { r: p[0] * 255, g: p[1] * 255, b: p[2] * 255, a: p.length > 3 ? p[3] : 1 };
    }
    return null;
  };
  const over = (top, bottom) => {
    const a = top.a + bottom.a * (1 - top.a);
    if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (k) => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
    return { r: mix("r"), g: mix("g"), b: mix("b"), a };
  };
  const luminance = (c) => {
    const lin = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  };
  const ratio = (a, b) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const hex = (c) =>
    "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const WHITE = { r: 255, g: 255, b: 255, a: 1 };

  // The colours that can be behind an element: every ancestor's background colour
  // composed from the page down, and each colour stop of a background gradient.
  const backdrops = (element) => {
    const chain = [];
    for (let node = element.parentElement; node; node = node.parentElement) chain.push(node);
    let candidates = [WHITE];
    for (const node of chain.reverse()) {
      const style = getComputedStyle(node);
      const stops = [...style.backgroundImage.matchAll(/rgba?\([^)]+\)/g)]
        .map((m) => parse(m[0]))
        .filter(Boolean);
      const colour = parse(style.backgroundColor);
      if (stops.length) {
        candidates = stops.flatMap((stop) => candidates.map((c) => over(stop, c)));
      }
      if (colour && colour.a > 0) candidates = candidates.map((c) => over(colour, c));
    }
    return candidates;
  };

  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.type && el.tagName === "INPUT") text += `[type=${el.type}]`;
    if (el.id) text += `#${el.id}`;
    else if (el.name) text += `[name=${el.name}]`;
    const label = el.labels && el.labels[0] ? el.labels[0].textContent.trim().slice(0, 40) : "";
    return label ? `${text} ("${label}")` : text;
  };

  const settle = (el) => {
    for (const animation of el.getAnimations()) animation.finish();
  };

  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility !== "visible" || style.display === "none") return false;
    if (parseFloat(style.opacity) === 0) return false;
    if (box.width < 2 || box.height < 2) return false;
    if (style.clip !== "auto" && style.position === "absolute") return false; // visually hidden
    return el.getClientRects().length > 0 && !el.closest("[hidden], [aria-hidden=true]");
  };

  const controls = [...document.querySelectorAll("input, select, textarea")].filter((el) => {
    if (el.tagName === "INPUT" && ["hidden", "submit", "button", "reset", "image"].includes(el.type))
      return false;
    return visible(el);
  });

  const measurements = [];
  const failures = [];
  const measure = (el, state) => {
    settle(el);
    const style = getComputedStyle(el);
    const behind = backdrops(el);
    const fill = parse(style.backgroundColor);
    const parts = [];
    const sides = ["Top", "Right", "Bottom", "Left"];
    const bordered = sides.filter(
      (side) => style[`border${side}Style`] !== "none" && parseFloat(style[`border${side}Width`]) > 0,
    );
    if (bordered.length) parts.push(["border", parse(style[`border${bordered[0]}Color`])]);
    if (fill && fill.a > 0) parts.push(["fill", fill]);
    // The worst backdrop decides; the best of border and fill identifies the control.
    let best = null;
    for (const [part, colour] of parts) {
      if (!colour) continue;
      const worst = Math.min(...behind.map((b) => ratio(over(colour, b), b)));
      if (!best || worst > best.ratio) best = { part, colour: hex(colour), ratio: worst };
    }
    const entry = {
      control: describe(el),
      state,
      appearance: style.appearance,
      part: best ? best.part : "none",
      colour: best ? best.colour : "",
      behind: hex(behind[0]),
      ratio: best ? Math.round(best.ratio * 100) / 100 : 0,
    };
    measurements.push(entry);
    if (style.appearance !== "none") {
      failures.push({ ...entry, problem: "drawn by the browser, so its contrast is not the portal's: style it (form-control, form-select, form-check-input)" });
    } else if (!best || best.ratio < MINIMUM) {
      failures.push({ ...entry, problem: `${entry.part} contrast ${entry.ratio}:1 is under 3:1` });
    }
    if (state === "focus") {
      const outline = parse(style.outlineColor);
      const width = parseFloat(style.outlineWidth);
      const focusEntry = { ...entry, state: "focus ring", part: "outline" };
      if (!el.matches(":focus-visible") || style.outlineStyle === "none" || width < 2 || !outline) {
        failures.push({ ...focusEntry, problem: "no visible focus outline of 2px or more" });
      } else {
        const worst = Math.min(...behind.map((b) => ratio(over(outline, b), b)));
        focusEntry.colour = hex(outline);
        focusEntry.ratio = Math.round(worst * 100) / 100;
        measurements.push(focusEntry);
        if (worst < MINIMUM) {
          failures.push({ ...focusEntry, problem: `focus outline ${focusEntry.ratio}:1 is under 3:1` });
        }
      }
    }
  };

  const previouslyFocused = document.activeElement;
  for (const el of controls) {
    const toggles = el.type === "checkbox" || el.type === "radio";
    const group =
      el.type === "radio" && el.name
        ? [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)]
        : [el];
    const saved = group.map((r) => r.checked);
    const wasDisabled = el.disabled;
    const now = toggles ? (el.checked ? "checked" : "unchecked") : "as shown";
    measure(el, el.disabled ? `disabled${toggles ? `, ${now}` : ""}` : now);
    if (toggles) {
      el.checked = !el.checked;
      measure(el, el.checked ? "checked" : "unchecked");
      group.forEach((r, i) => (r.checked = saved[i]));
    }
    if (!wasDisabled) {
      el.disabled = true;
      measure(el, "disabled");
      if (toggles) {
        el.checked = !el.checked;
        measure(el, el.checked ? "disabled, checked" : "disabled, unchecked");
        group.forEach((r, i) => (r.checked = saved[i]));
      }
      el.disabled = false;
    }
    if (withFocus && !el.disabled) {
      el.focus({ preventScroll: true });
      measure(el, "focus");
      el.blur();
    }
  }
  if (withFocus && previouslyFocused && previouslyFocused.focus) previouslyFocused.focus();
  return { checked: controls.length, measurements, failures };
}
