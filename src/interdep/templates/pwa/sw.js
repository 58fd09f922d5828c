// The service worker: keeps the app shell so the app opens without a connection, keeps the
// check-in page (it holds nothing private) so a check-in can be made offline, and shows pushes.
// Pushes carry only "something is waiting" or "time to check in": never a mood, name or note.
"use strict";
const VERSION = "{{ version }}";
const SHELL = "interdep-shell-" + VERSION;
const PAGES = "interdep-pages";
const SHELL_URLS = {{ shell }};
// Pages kept for offline use (network first, the kept copy when there is no connection).
const OFFLINE_PAGES = ["/checkins/"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("interdep-shell-") === 0 && k !== SHELL;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && OFFLINE_PAGES.indexOf(url.pathname) !== -1) {
        const copy = response.clone();
        caches.open(PAGES).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: PAGES }).then(function (hit) {
        return hit || caches.match("/offline/");
      });
    })
  );
});

self.addEventListener("message", function (event) {
  if (event.data === "signed-out") { event.waitUntil(caches.delete(PAGES)); }
});

self.addEventListener("push", function (event) {
  let data = { title: "{{ product_name|escapejs }}", body: "Something new is waiting for you.", url: "/" };
  try { if (event.data) { data = Object.assign(data, event.data.json()); } } catch (e) { /* keep the default */ }
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body,
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/favicon-32.png",
    data: { url: data.url }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (const client of list) {
        if (new URL(client.url).pathname === target && "focus" in client) { return client.focus(); }
      }
      return self.clients.openWindow(target);
    })
  );
});
