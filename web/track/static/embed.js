// Inside the widget's iframe: tell the parent page how tall we are.
(function () {
  "use strict";
  if (window.parent === window) return;
  function post() {
    window.parent.postMessage({ waypostHeight: document.documentElement.scrollHeight }, "*");
  }
  window.addEventListener("load", post);
  if (window.ResizeObserver) new ResizeObserver(post).observe(document.body);
})();
