// A visible countdown before a code can be asked for again: the button waits, then comes back. Without this
// file the page already says the time after which to try.
(function () {
  var note = document.querySelector(".countdown[data-until]");
  var buttons = document.querySelectorAll("button[data-wait]");
  if (!note) return;
  var until = parseInt(note.getAttribute("data-until"), 10);
  var what = note.getAttribute("data-what") || "重新获取验证码";
  var labels = [];
  Array.prototype.forEach.call(buttons, function (b, i) { labels[i] = b.textContent; });
  var tick = function () {
    var left = Math.ceil((until - Date.now()) / 1000);
    Array.prototype.forEach.call(buttons, function (b, i) {
      if (!b.getAttribute("data-wait")) return;
      b.disabled = left > 0;
      b.textContent = left > 0 ? labels[i] + "（" + left + " 秒）" : labels[i];
    });
    note.textContent = left > 0 ? left + " 秒后可以" + what : "现在可以" + what + "了";
    if (left > 0) setTimeout(tick, 1000);
  };
  tick();
})();
