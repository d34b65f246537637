// The reflection editor. htmx does the autosave and the live preview; this file keeps a
// copy of the text on this device so that nothing typed is lost when a save fails (no
// network, server down, tab closed), and makes a Save click wait for an autosave in flight.
(() => {
  "use strict";

  const RETRY_MS = 15000;

  function init() {
    const form = document.getElementById("reflection-form");
    if (!form || !form.hasAttribute("data-autosave")) return;
    const key = form.dataset.backupKey;
    const status = document.getElementById("autosave-status");
    const notice = document.getElementById("backup-notice");
    const el = (name) => form.elements.namedItem(name);

    const values = () => ({
      title: el("title").value,
      body: el("body").value,
      cpd_minutes: el("cpd_minutes").value,
    });
    const same = (a, b) =>
      a.title === b.title && a.body === b.body && String(a.cpd_minutes) === String(b.cpd_minutes);
    const version = () => parseInt(el("version").value, 10) || 0;
    const at = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

    const read = () => {
      try {
        return JSON.parse(window.localStorage.getItem(key));
      } catch {
        return null;
      }
    };
    const write = () => {
      try {
        const copy = { ...values(), baseVersion: version(), savedAt: Date.now() };
        window.localStorage.setItem(key, JSON.stringify(copy));
      } catch {
        // Storage full or switched off: the server copy is all there is.
      }
    };
    const clear = () => {
      try {
        window.localStorage.removeItem(key);
      } catch {
        // nothing to clear
      }
    };

    const putBack = (copy) => {
      el("title").value = copy.title;
      el("body").value = copy.body;
      el("cpd_minutes").value = copy.cpd_minutes;
      // An input event runs the live preview and the autosave, as typing would.
      el("body").dispatchEvent(new Event("input", { bubbles: true }));
    };

    const say = (html, buttons = []) => {
      notice.replaceChildren();
      const box = document.createElement("div");
      box.className = "alert alert-info";
      box.setAttribute("role", "status");
      const text = document.createElement("p");
      text.className = buttons.length ? "mb-2" : "mb-0";
      text.textContent = html;
      box.append(text);
      for (const [label, action] of buttons) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary me-2";
        button.textContent = label;
        button.addEventListener("click", () => {
          action();
          notice.replaceChildren();
          el("body").focus();
        });
        box.append(button);
      }
      notice.append(box);
    };

    // On load: is there text on this device that the server does not have?
    const server = values();
    const copy = read();
    if (copy && same(copy, server)) {
      clear();
    } else if (copy && copy.baseVersion >= version()) {
      putBack(copy);
      say(
        `Your text from ${at(copy.savedAt)} had not reached the portal, so it was kept on ` +
          "this device and is back in the editor. It is being saved now.",
        [["Discard it and use the saved version", () => { clear(); putBack(server); }]],
      );
    } else if (copy) {
      say(
        `This device holds a different copy of your text from ${at(copy.savedAt)}, older ` +
          `than the saved version ${version()}.`,
        [
          ["Put it back in the editor", () => putBack(copy)],
          ["Discard it", clear],
        ],
      );
    }

    form.addEventListener("input", write);

    let inFlight = false;
    let sent = null;
    let waitingSubmitter = null;
    let retry = null;
    const fromForm = (event) => event.detail && event.detail.elt === form;
    const retrySoon = () => {
      window.clearTimeout(retry);
      retry = window.setTimeout(() => form.dispatchEvent(new Event("autosave-retry")), RETRY_MS);
    };
    const failed = (message) => {
      status.replaceChildren();
      const span = document.createElement("span");
      span.className = "text-danger-emphasis";
      span.dataset.autosaveResult = "failed";
      span.textContent = message;
      status.append(span);
    };

    form.addEventListener("htmx:beforeRequest", (event) => {
      if (!fromForm(event)) return;
      inFlight = true;
      sent = values();
    });
    form.addEventListener("htmx:afterRequest", (event) => {
      if (!fromForm(event)) return;
      inFlight = false;
      const reply = event.detail.xhr ? event.detail.xhr.responseText || "" : "";
      if (event.detail.successful && reply.includes('data-autosave-result="saved"')) {
        window.clearTimeout(retry);
        // The server has this text; keep the local copy only if typing went on meanwhile.
        if (sent && same(sent, values())) clear();
        else write();
      }
      if (waitingSubmitter) {
        const submitter = waitingSubmitter;
        waitingSubmitter = null;
        form.requestSubmit(submitter);
      }
    });
    form.addEventListener("htmx:sendError", (event) => {
      if (!fromForm(event)) return;
      failed(
        "Not saved: no connection to the portal. Your text is kept on this device and " +
          "will be saved when the connection is back.",
      );
      retrySoon();
    });
    form.addEventListener("htmx:responseError", (event) => {
      if (!fromForm(event)) return;
      const code = event.detail.xhr.status;
      if (code === 401 || code === 403) {
        failed(
          "Not saved: you have been signed out, or this page has expired. Your text is " +
            "kept on this device: sign in again in a new tab, then reload this page.",
        );
        return;
      }
      failed(
        `Not saved: the portal could not save just now (error ${code}). ` +
          "Your text is kept on this device; it will try again shortly.",
      );
      retrySoon();
    });
    window.addEventListener("online", () => form.dispatchEvent(new Event("autosave-retry")));

    // A Save click while an autosave is on its way would be refused as stale: wait for it.
    form.addEventListener("submit", (event) => {
      if (inFlight) {
        event.preventDefault();
        waitingSubmitter = event.submitter;
      }
    });
  }

  // A deferred script runs before DOMContentLoaded; htmx sets up on that event first.
  if (document.readyState === "complete") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
