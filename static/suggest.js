// Suggestions under the search box, as the person types (the box works without this file).
(function () {
  var box = document.querySelector("input[data-suggest]");
  if (!box || !window.fetch) return;
  var list = document.getElementById(box.getAttribute("list"));
  var timer = null, last = "";
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = box.value.trim();
      if (!q || q === last) return;
      last = q;
      fetch(box.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          while (list.firstChild) list.removeChild(list.firstChild);
          body.items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.q;
            option.label = item.text;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
