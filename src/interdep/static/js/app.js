// The page frame: the phone menu button, the service worker, copy and share buttons, the time
// zone picker (search, the browser's zone), and clearing kept pages on sign-out. No inline
// script anywhere (strict CSP): everything is wired here from data- attributes.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function menu() {
    var button = document.querySelector("[data-menu-button]");
    var nav = document.getElementById(button ? button.getAttribute("aria-controls") : "");
    if (!button || !nav) { return; }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      nav.classList.toggle("open", !open);
    });
  }

  function serviceWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* the app works without it */ });
    document.querySelectorAll("[data-signout]").forEach(function (form) {
      form.addEventListener("submit", function () {
        if (navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage("signed-out"); }
      });
    });
  }

  function say(target, text) {
    var out = document.getElementById(target);
    if (out) { out.textContent = text; }
  }

  function copyAndShare() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) { button.hidden = true; return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
          say(button.getAttribute("data-status"), "Copied.");
        }, function () {
          say(button.getAttribute("data-status"), "Could not copy; select the text and copy it.");
        });
      });
    });
    document.querySelectorAll("[data-share-url]").forEach(function (button) {
      if (!navigator.share) { return; }  // no system share sheet here: the copy button stays
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({
          title: button.getAttribute("data-share-title") || document.title,
          text: button.getAttribute("data-share-text") || "",
          url: button.getAttribute("data-share-url")
        }).catch(function () { /* the person closed the sheet */ });
      });
    });
  }

  function zones() {
    var guess = null;
    try { guess = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { guess = null; }
    document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
      if (guess && (!select.value || select.hasAttribute("data-guess-zone"))) {
        if (!select.querySelector('option[value="' + guess + '"]')) {
          var group = document.createElement("optgroup");
          group.label = "This device";
          var option = document.createElement("option");
          option.value = guess;
          option.textContent = guess.replace(/_/g, " ");
          group.appendChild(option);
          select.insertBefore(group, select.firstChild);
        }
        select.value = guess;
      }
      var search = document.getElementById(select.getAttribute("data-search") || "");
      if (!search) { return; }
      (search.closest("[data-search-box]") || search).hidden = false;
      search.addEventListener("input", function () {
        var needle = search.value.trim().toLowerCase();
        select.querySelectorAll("option").forEach(function (option) {
          var hay = (option.textContent + " " + option.value).toLowerCase();
          option.hidden = needle !== "" && hay.indexOf(needle) === -1;
        });
        var first = select.querySelector("option:not([hidden])");
        if (needle && first) { select.value = first.value; }
      });
    });
  }

  function wire() { menu(); serviceWorker(); copyAndShare(); zones(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wire); } else { wire(); }
})();
