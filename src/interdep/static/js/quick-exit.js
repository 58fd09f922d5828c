// Quick exit: leave for a neutral site and replace this page in the browser's history, so the
// back button does not return here. A static file because the site's CSP allows no inline script;
// without JavaScript the link still leaves (as an ordinary link).
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-quick-exit]");
  if (!link) return;
  event.preventDefault();
  window.location.replace(link.href);
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  var link = document.querySelector("[data-quick-exit]");
  if (link) window.location.replace(link.href);
});
