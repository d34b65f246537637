// Small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the main content when the skip link is used (Safari needs this).
  const skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", () => document.getElementById("main-content")?.focus());
  }

  // An in-place update that fails must say so, not leave a click doing nothing.
  // (The reflection editor reports its own autosave problems.)
  const problem = document.getElementById("htmx-problem");
  const say = (event, text) => {
    const elt = event.detail && event.detail.elt;
    if (!problem || (elt && elt.closest("[data-autosave]"))) return;
    problem.textContent = text;
    problem.classList.remove("d-none");
    problem.scrollIntoView({ block: "nearest" });
  };
  document.body.addEventListener("htmx:responseError", (event) => {
    const code = event.detail.xhr ? event.detail.xhr.status : 0;
    if (code === 403) {
      say(event, "That did not go through: this page has expired. Reload the page and try again.");
    } else if (code === 404) {
      say(event, "That is no longer available (you may have left the module in another tab). Reload the page.");
    } else {
      say(event, `That did not go through (error ${code}). Reload the page and try again.`);
    }
  });
  document.body.addEventListener("htmx:sendError", (event) => {
    say(event, "That did not go through: the portal could not be reached. Check your connection and try again.");
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (problem && event.detail.successful) problem.classList.add("d-none");
  });

  // "Load more arguments": focus the first argument added, so keyboard and screen-reader
  // users carry on reading where the list grew (the control they used is gone).
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const list = event.detail.target;
    if (list && list.id === "argument-list") list.dataset.before = list.children.length;
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const list = event.detail.target;
    if (!list || list.id !== "argument-list") return;
    const first = list.children[Number(list.dataset.before || 0)];
    const heading = first && first.querySelector("h3");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });
});
