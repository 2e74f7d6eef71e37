// The installable app on every page: registers the service worker (/sw.js), tells it who
// is signed in (so one member's kept pages never show to another), shows the "offline — as
// of" banner on a page the worker served from its copy, and keeps the day's steps typed
// without a connection (outbox.js) until they are sent, showing the server's answer.
(function () {
  "use strict";
  const body = document.body;
  const viewer = body.getAttribute("data-viewer") || "";
  const outboxPanel = document.querySelector("[data-outbox]");
  const lang = document.documentElement.lang || undefined;

  function text(name, values) {
    let template = (outboxPanel && outboxPanel.getAttribute("data-text-" + name)) || "";
    Object.keys(values || {}).forEach(function (key) { template = template.split("{" + key + "}").join(values[key]); });
    return template;
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function steps(value) { return Number(value).toLocaleString(lang); }

  // "Thu 3 Dec" in the page's language: a day's name stays right whenever it is shown.
  function dayLabel(iso) {
    const day = new Date(iso + "T12:00:00");
    return isNaN(day) ? iso : day.toLocaleDateString(lang, {weekday: "short", day: "numeric", month: "short"});
  }

  // --- Offline banner ------------------------------------------------------------------
  const asOf = document.documentElement.getAttribute("data-offline-as-of");
  const banner = document.querySelector("[data-offline-banner]");
  if (asOf && banner) {
    const when = new Date(asOf);
    const time = banner.querySelector("time");
    time.setAttribute("datetime", asOf);
    time.textContent = isNaN(when) ? asOf : when.toLocaleString(lang, {dateStyle: "medium", timeStyle: "short"});
    banner.hidden = false;
  }

  // --- Service worker ------------------------------------------------------------------
  function tellWorker(message) {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) { registration.active.postMessage(message); }
    });
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    // Not from a copy or the offline page: those say nothing of who is signed in now.
    if (!asOf && !document.querySelector("[data-offline-page]")) { tellWorker({type: "viewer", viewer: viewer}); }
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-changed") { render(); }
    });
  }
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form.signout")) { tellWorker({type: "sign-out"}); }
  });

  // --- Steps logged offline ------------------------------------------------------------
  if (!outboxPanel || !viewer || !window.CohortOutbox || !window.indexedDB) { return; }
  const outbox = window.CohortOutbox;

  function item(message, kind) {
    const li = document.createElement("li");
    li.className = "message " + kind;
    li.textContent = message;
    return li;
  }

  // The server's answers stay on this page once shown (the store lets them go: shown once).
  const shown = [];

  function render() {
    return Promise.all([outbox.pending(viewer), outbox.results(viewer)]).then(function (found) {
      const pending = found[0], results = found[1];
      results.forEach(function (result) {
        // Two renders at once (the "online" event and the worker's message) read the same.
        if (!shown.some(function (seen) { return seen.key === result.key; })) { shown.push(result); }
        outbox.dismiss(result.key);
      });
      const list = outboxPanel.querySelector("ul");
      list.textContent = "";
      shown.forEach(function (result) {
        const values = {steps: steps(result.steps), day: result.dayLabel, detail: result.detail || ""};
        if (result.outcome === "saved") {
          list.appendChild(item(text(result.review === "pending" ? "saved-pending" : "saved", values), "success"));
        } else {
          list.appendChild(item(text("rejected", values), "error"));
        }
      });
      pending.forEach(function (row) {
        const key = navigator.onLine ? "waiting-online" : "waiting";
        list.appendChild(item(text(key, {steps: steps(row.steps), day: row.dayLabel}), "info"));
      });
      outboxPanel.hidden = !pending.length && !shown.length;
    });
  }

  function flush() {
    if (!navigator.onLine) { return render(); }
    return outbox.flush({viewer: viewer, csrfToken: csrfToken()}).then(render, render);
  }

  const form = document.querySelector("form[data-offline-log]");
  if (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }  // online: the ordinary form post
      event.preventDefault();
      const input = form.elements.steps;
      const value = input.value.trim();
      const error = form.querySelector("[data-offline-error]");
      if (!/^\d+$/.test(value)) {
        error.textContent = text("invalid");
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      error.hidden = true;
      input.removeAttribute("aria-invalid");
      const select = form.elements.day;
      outbox.add({
        viewer: viewer, day: select.value, dayLabel: dayLabel(select.value),
        steps: parseInt(value, 10), csrfToken: csrfToken(),
      }).then(function () {
        input.value = "";
        if ("serviceWorker" in navigator) {
          navigator.serviceWorker.ready.then(function (registration) {
            if (registration.sync) { return registration.sync.register(outbox.SYNC_TAG); }
          }).catch(function () {});
        }
        return render();
      }).then(function () { outboxPanel.focus(); });
    });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  flush();
})();
