// Draws the statistics page's chart with Apache ECharts from the numbers the page carries in
// #stats-chart-data; the table below the chart has the same numbers for anyone without JavaScript.
(function () {
  "use strict";
  function draw() {
    var box = document.getElementById("stats-chart");
    var data = document.getElementById("stats-chart-data");
    if (!box || !data || typeof window.echarts === "undefined") return;
    var chart = JSON.parse(data.textContent);
    var labels = chart.labels.slice().reverse();
    box.style.height = Math.max(240, 40 + labels.length * 28 * Math.max(1, chart.series.length * 0.8)) + "px";
    var plot = window.echarts.init(box, null, { renderer: "svg" });
    plot.setOption({
      animation: false,
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: labels, axisLabel: { width: 110, overflow: "truncate" } },
      series: chart.series.map(function (s) {
        return { name: s.name, type: "bar", barMaxWidth: 24, data: s.values.slice().reverse() };
      })
    });
    window.addEventListener("resize", function () { plot.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
