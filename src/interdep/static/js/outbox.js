// Offline check-ins: a check-in made without a connection is kept on this device (IndexedDB)
// with an id made here, and sent when the connection returns. The server stores each id once,
// so sending twice (a flaky network, two open tabs) never makes two check-ins.
(function () {
  "use strict";
  var DB = "interdep", STORE = "outbox";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function payloadOf(form) {
    var data = new FormData(form);
    var number = function (name) { return parseInt(data.get(name), 10); };
    var when = (data.get("when") || "").trim();
    var tz = data.get("tz") || "";
    var bid = data.get("bid_made") === "yes";
    return {
      client_id: newId(),
      valence: number("valence"), arousal: number("arousal"),
      closeness: number("closeness"), felt_self: number("felt_self"),
      bid_made: bid, bid_answered: bid ? (data.get("bid_answered") || "") : "",
      no_choice: data.get("no_choice") || "none",
      conflict: data.get("conflict") === "yes",
      note: data.get("note") || "",
      // the moment it was made here, not when it reaches the server
      occurred_at: when ? when : new Date().toISOString(),
      tz: tz || null
    };
  }

  function status(text) {
    var out = document.getElementById("outbox-status");
    if (out) { out.textContent = text; out.hidden = !text; }
  }

  function pending() { return run("readonly", function (store) { return store.getAll(); }); }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    return pending().then(function (items) {
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          return fetch("/api/v1/checkins", {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
            body: JSON.stringify(item)
          }).then(function (response) {
            // stored (201), stored before (200), or refused for good (4xx): done with it
            if (response.status < 500 && response.status !== 401 && response.status !== 403) {
              return run("readwrite", function (store) { store.delete(item.client_id); }).then(function () {
                if (response.status >= 400) { status("One check-in kept on this device could not be saved."); }
                else { status("Your check-in made offline is saved."); }
              });
            }
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* still offline or signed out: try again later */ })
      .then(function () { flushing = false; });
  }

  function wire() {
    if (!("indexedDB" in window)) { return; }
    document.querySelectorAll("form[data-offline-checkin]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (navigator.onLine) { return; }  // online: the ordinary form post
        event.preventDefault();
        var item = payloadOf(form);
        run("readwrite", function (store) { store.put(item); }).then(function () {
          status("You are offline. Your check-in is kept on this device and will be sent when you are back online.");
        }, function () {
          status("You are offline and this browser could not keep the check-in.");
        });
      });
    });
    window.addEventListener("online", flush);
    flush();
  }
  window.interdepOutbox = { flush: flush, pending: pending };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wire); } else { wire(); }
})();
