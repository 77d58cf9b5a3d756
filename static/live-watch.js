/* The live room's card: follows the session's event stream with the browser's own EventSource (no
   framework), applies and asks without leaving the page. Without this script the page still shows the
   posting on air and its apply button (a plain form). */
(function () {
  "use strict";
  var card = document.getElementById("live-job");
  if (!card || !window.EventSource) return;
  var $ = function (id) { return document.getElementById(id); };
  var text = function (id, v) { var el = $(id); if (el) el.textContent = v == null ? "" : v; };
  var newKey = function () { return Date.now().toString(36) + Math.random().toString(36).slice(2, 10); };
  var applyForm = $("apply-form"), questionForm = $("question-form"), list = $("question-list");

  function board(j) {
    var parts = [j.meals_name, (j.benefits || []).indexOf("包住") >= 0 ? "包住" : null, j.couple_rooms_text];
    return parts.filter(Boolean).join("，") || "未说明";
  }

  function showJob(j) {
    var c = j.employer.open_wage_complaints;
    text("job-title", j.title);
    text("job-wage", j.wage_text);
    text("job-pay-cycle", j.pay_cycle_name || "");
    text("job-employer", j.employer.name);
    text("job-place", j.address || j.place);
    text("job-type", j.employment_type_name + "，招 " + j.headcount + " 人");
    text("job-board", board(j));
    text("job-shift", j.shift_text || "未说明");
    text("job-age", j.age_requirement || "不限");
    text("job-cert", j.cert_required || "不需要");
    text("job-benefits", (j.benefits || []).join("、"));
    text("job-complaints", c);
    $("job-warning").hidden = !c;
    text("job-applied", "");
    $("job-applied").hidden = true;
    $("job-link").href = "/jobs/" + j.id;
    $("apply-job").value = j.id;
    if (applyForm) {
      applyForm.elements.idempotency_key.value = newKey();
      $("apply-button").disabled = false;
    }
    card.hidden = false;
    $("live-waiting").hidden = true;
    text("live-status", "直播中");
  }

  function showQuestion(q) {
    var old = list.querySelector('[data-question="' + q.id + '"]');
    if (q.status !== "approved") { if (old) old.remove(); return; }
    var li = document.createElement("li");
    li.setAttribute("data-question", q.id);
    if (q.pinned) {
      li.className = "pinned";
      var tag = document.createElement("strong");
      tag.textContent = "置顶 ";
      li.appendChild(tag);
    }
    var body = document.createElement("span");
    body.className = "q-body";
    body.textContent = q.body;
    li.appendChild(body);
    if (q.answer) {
      li.appendChild(document.createElement("br"));
      var answer = document.createElement("span");
      answer.className = "q-answer";
      answer.textContent = "答：" + q.answer;
      li.appendChild(answer);
    }
    if (old) old.remove();
    if (q.pinned) list.insertBefore(li, list.firstChild);
    else {
      var firstPlain = list.querySelector("li:not(.pinned)");
      list.insertBefore(li, firstPlain);
    }
  }

  var source = new EventSource(card.getAttribute("data-events"));
  source.addEventListener("on_air", function (e) { showJob(JSON.parse(e.data).job); });
  source.addEventListener("question", function (e) { showQuestion(JSON.parse(e.data).question); });
  source.addEventListener("counts", function (e) {
    var n = JSON.parse(e.data).viewers;
    var el = $("live-viewers");
    el.textContent = n + " 人在看";
    el.hidden = !n;
  });
  source.addEventListener("ended", function () {
    source.close();
    text("live-status", "已结束");
    $("live-ended").hidden = false;
    $("live-waiting").hidden = true;
    if (applyForm) applyForm.hidden = true;
    if (questionForm) questionForm.hidden = true;
  });

  function send(form, done) {
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.responseURL && request.responseURL.indexOf("/login") >= 0) {
        window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
        return;
      }
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (err) { answer = {}; }
      done(request.status, answer.error ? answer.error.message : answer.message);
    };
    request.onerror = function () { done(0, "网络不好，请再试一次"); };
    request.send(new FormData(form));
  }

  if (applyForm) applyForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var button = $("apply-button");
    button.disabled = true;
    send(applyForm, function (status, message) {
      var note = $("job-applied");
      note.textContent = message || "投递失败，请再试一次";
      note.hidden = false;
      button.disabled = status >= 200 && status < 300;
    });
  });

  if (questionForm) questionForm.addEventListener("submit", function (e) {
    e.preventDefault();
    send(questionForm, function (status, message) {
      var note = $("question-sent");
      note.textContent = message || "提交失败，请再试一次";
      note.hidden = false;
      if (status >= 200 && status < 300) questionForm.elements.body.value = "";
    });
  });
})();
