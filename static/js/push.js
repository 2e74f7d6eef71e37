// The notifications page's push switch for this device: subscribes the service worker's
// PushManager with the site's VAPID public key and hands the subscription to the server
// (POST /api/v1/notifications/push-subscriptions, session + CSRF), or removes it.
(function () {
  "use strict";
  const box = document.querySelector("[data-push]");
  if (!box) { return; }
  const status = box.querySelector("[data-push-status]");
  const on = box.querySelector("[data-push-on]");
  const off = box.querySelector("[data-push-off]");
  const api = "/api/v1/notifications/push-subscriptions";

  function say(name, extra) {
    status.textContent = box.getAttribute("data-text-" + name) + (extra ? " " + extra : "");
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function keyBytes(base64url) {
    const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    return Uint8Array.from(text, function (c) { return c.charCodeAt(0); });
  }

  function send(method, body) {
    return fetch(api, {
      method: method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body),
    }).then(function (response) {
      if (response.ok) { return response; }
      return response.json().catch(function () { return {}; }).then(function (data) {
        throw new Error(typeof data.detail === "string" ? data.detail : String(response.status));
      });
    });
  }

  function show(subscription) {
    on.hidden = !!subscription;
    off.hidden = !subscription;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  if (Notification.permission === "denied") { say("denied"); }

  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(show, function () { show(null); });

  on.addEventListener("click", function () {
    on.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error(box.getAttribute("data-text-denied")); }
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(box.getAttribute("data-vapid-key")),
      });
    }).then(function (subscription) {
      return send("POST", subscription.toJSON()).then(function () { return subscription; });
    }).then(function (subscription) {
      show(subscription);
      say("on");
    }).catch(function (error) {
      say("failed", error && error.message);
    }).then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) { return null; }
      return send("DELETE", {endpoint: subscription.endpoint}).then(function () { return subscription.unsubscribe(); });
    }).then(function () {
      show(null);
      say("off");
    }).catch(function (error) {
      say("failed", error && error.message);
    }).then(function () { off.disabled = false; });
  });
})();
