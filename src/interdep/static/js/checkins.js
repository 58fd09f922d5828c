// Check-ins: show each slider's value as it moves, and guess the time zone once (no inline script).
(function () {
  "use strict";
  function wire() {
    document.querySelectorAll("input[type=range][data-output]").forEach(function (input) {
      var out = document.getElementById(input.getAttribute("data-output"));
      if (!out) { return; }
      var show = function () { out.textContent = input.value; };
      input.addEventListener("input", show);
      show();
    });
    var guess = null;
    try { guess = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { guess = null; }
    document.querySelectorAll("select[data-guess-zone]").forEach(function (select) {
      if (guess && select.querySelector('option[value="' + guess + '"]')) { select.value = guess; }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wire); } else { wire(); }
})();
