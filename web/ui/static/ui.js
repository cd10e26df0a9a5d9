// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // The language switcher submits on change; its button stays for
  // keyboard and no-script users.
  document.querySelectorAll("form.lang-switch select").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // Forms that must not be sent twice disable their button on submit.
  document.querySelectorAll("form[data-once]").forEach(function (f) {
    f.addEventListener("submit", function () {
      f.querySelectorAll("button[type=submit]").forEach(function (b) {
        setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });
})();
