// The live room's card follows the organiser: each on_air event replaces the posting shown.
(function () {
  var root = document.getElementById("live-job");
  if (!window.EventSource || !root || !root.dataset.events) return;
  var $ = function (i) { return document.getElementById(i); };
  var t = function (i, v) { $(i).textContent = v == null ? "" : v; };
  var s = new EventSource(root.dataset.events);
  s.addEventListener("on_air", function (e) {
    var j = JSON.parse(e.data).job, c = j.employer.open_wage_complaints;
    t("job-title", j.title); t("job-wage", j.wage_text); t("job-employer", j.employer.name);
    t("job-place", j.address || j.place); t("job-type", j.employment_type_name + "，招 " + j.headcount + " 人");
    t("job-benefits", (j.benefits || []).join("、")); t("job-complaints", c); $("job-warning").hidden = !c;
    $("job-link").href = "/jobs/" + j.id; root.hidden = false; $("live-waiting").hidden = true;
    t("live-status", "直播中");
  });
  s.addEventListener("ended", function () {
    s.close(); t("live-status", "已结束"); $("live-ended").hidden = false; $("live-waiting").hidden = true;
  });
})();
