/* Small helpers of the workspace pages (no framework). */
(function () {
  "use strict";
  // a form asking to confirm (data-confirm) before it is sent
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (f && f.getAttribute && f.getAttribute("data-confirm") && !window.confirm(f.getAttribute("data-confirm"))) {
      ev.preventDefault();
    }
  });
  // a submitted form's buttons are disabled, so a double click does not send it twice
  document.addEventListener("submit", function (ev) {
    if (ev.defaultPrevented) { return; }
    var f = ev.target;
    window.setTimeout(function () {
      Array.prototype.forEach.call(f.querySelectorAll("button[type=submit]"), function (b) { b.disabled = true; });
    }, 0);
  });
}());
