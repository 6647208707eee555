// Draws the dashboard's charts from the JSON the server rendered into #chart-data.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const palette = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8ab17d", "#6d597a"];
  const color = (i) => palette[i % palette.length];
  const base = { responsive: true, maintainAspectRatio: false, animation: false };
  const charts = {};

  charts.daily = new Chart(document.getElementById("chart-daily"), {
    type: "bar",
    data: {
      labels: data.daily.days,
      datasets: Object.entries(data.daily.created).map(([dept, counts], i) => ({
        label: dept, data: counts, backgroundColor: color(i), stack: "created",
      })),
    },
    options: { ...base, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });

  charts.backlog = new Chart(document.getElementById("chart-backlog"), {
    type: "line",
    data: {
      labels: data.backlog.days,
      datasets: [{ label: "open tickets", data: data.backlog.open, borderColor: color(4), fill: false, pointRadius: 0 }],
    },
    options: { ...base, scales: { y: { beginAtZero: true } } },
  });

  charts.resolution = new Chart(document.getElementById("chart-resolution"), {
    type: "bar",
    data: {
      labels: data.resolution.departments,
      datasets: [
        { label: "p50 (h)", data: data.resolution.p50_hours, backgroundColor: color(1) },
        { label: "p90 (h)", data: data.resolution.p90_hours, backgroundColor: color(3) },
      ],
    },
    options: { ...base, scales: { y: { beginAtZero: true } } },
  });

  charts.methods = new Chart(document.getElementById("chart-methods"), {
    type: "doughnut",
    data: {
      labels: data.methods.labels,
      datasets: [{ data: data.methods.counts, backgroundColor: data.methods.labels.map((_, i) => color(i)) }],
    },
    options: base,
  });

  charts.reroute = new Chart(document.getElementById("chart-reroute"), {
    type: "bar",
    data: {
      labels: data.reroute.departments,
      datasets: [{ label: "rerouted / routed (%)", data: data.reroute.rate_percent, backgroundColor: color(4) }],
    },
    options: { ...base, scales: { y: { beginAtZero: true } } },
  });

  window.dashboardCharts = charts;
})();
