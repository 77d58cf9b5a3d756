// The organiser's fair page: refresh the counts and the per-booth table every 15 seconds while it is open,
// by reading the same page again (signed in by the page's own cookie). Without JavaScript, 刷新 does it.
(function () {
  "use strict";
  var board = document.getElementById("dashboard");
  if (!board || !window.fetch || !window.DOMParser) return;
  var parts = [".counts", "table.booths tbody"];
  function refresh() {
    if (document.hidden) return;
    fetch(window.location.pathname, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("dashboard");
        if (!fresh) return;
        parts.forEach(function (selector) {
          var now = board.querySelector(selector), next = fresh.querySelector(selector);
          if (now && next) now.innerHTML = next.innerHTML;
        });
      })
      .catch(function () {});
  }
  window.setInterval(refresh, 15000);
})();
