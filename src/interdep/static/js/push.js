// Push on this device: subscribe with the server's VAPID key, or unsubscribe. One subscription
// per device; the server replaces it when the same device subscribes again.
(function () {
  "use strict";
  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    });
  }
  function bytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function wire() {
    var box = document.querySelector("[data-push]");
    if (!box) { return; }
    var on = box.querySelector("[data-push-on]"), off = box.querySelector("[data-push-off]");
    var out = document.getElementById(box.getAttribute("data-status"));
    var say = function (text) { if (out) { out.textContent = text; } };
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      say("This browser cannot receive push notifications; we use email instead.");
      return;
    }
    navigator.serviceWorker.ready.then(function (reg) {
      return reg.pushManager.getSubscription().then(function (sub) {
        on.hidden = !!sub; off.hidden = !sub;
        say(sub ? "Push is on for this device." : "Push is off for this device.");
        on.addEventListener("click", function () {
          Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") { say("Notifications are blocked for this site in the browser's settings."); return; }
            return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(box.getAttribute("data-key")) })
              .then(function (created) { return post(box.getAttribute("data-subscribe"), created.toJSON()); })
              .then(function () { on.hidden = true; off.hidden = false; say("Push is on for this device."); });
          }).catch(function () { say("Push could not be turned on here; we use email instead."); });
        });
        off.addEventListener("click", function () {
          reg.pushManager.getSubscription().then(function (current) {
            if (!current) { return; }
            return post(box.getAttribute("data-unsubscribe"), { endpoint: current.endpoint }).then(function () { return current.unsubscribe(); });
          }).then(function () { on.hidden = false; off.hidden = true; say("Push is off for this device."); });
        });
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wire); } else { wire(); }
})();
