// Waypost dashboard: small progressive enhancements. Everything works
// without this file; it adds an upload progress bar to the import form.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-progress]");
    if (!form || !window.FormData || !window.XMLHttpRequest) return;
    var bar = document.getElementById(form.getAttribute("data-progress"));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 90);
      });
      xhr.addEventListener("load", function () {
        bar.value = 100;
        // The answer is the result page; show it as if the form had
        // been submitted normally.
        document.open();
        document.write(xhr.responseText);
        document.close();
        history.replaceState(null, "", form.action);
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        form.submit();
      });
      xhr.send(new FormData(form));
    });
  });
})();
