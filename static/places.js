// Place pickers: choosing a province or city fills the next select at once and writes the place in the text
// box (without this file the "下一步" button does the same with a page reload).
(function () {
  if (!window.fetch) return;
  Array.prototype.forEach.call(document.querySelectorAll("fieldset[data-place]"), function (box) {
    var name = box.getAttribute("data-place");
    var levels = ["p", "c", "d"].map(function (k) {
      return box.querySelector("select[name='" + name + "__" + k + "']");
    });
    var text = box.querySelector("input[name='" + name + "']");
    var step = box.querySelector("button.step");
    if (step) step.hidden = true;
    var fill = function (select, items) {
      while (select.options.length > 1) select.remove(1);
      select.options[0].textContent = items.length ? "请选择" : "—";
      items.forEach(function (it) { select.add(new Option(it.name, it.adcode)); });
    };
    var describe = function () {
      var parts = [];
      levels.forEach(function (s) { if (s.value) parts.push(s.options[s.selectedIndex].textContent); });
      if (parts.length) text.value = parts.join("");
    };
    levels.forEach(function (select, i) {
      select.addEventListener("change", function () {
        for (var j = i + 1; j < levels.length; j++) fill(levels[j], []);
        describe();
        if (!select.value || i === levels.length - 1) return;
        fetch(box.getAttribute("data-children") + "?parent=" + encodeURIComponent(select.value))
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (body) { fill(levels[i + 1], body.items); })
          .catch(function () {});
      });
    });
  });
})();
