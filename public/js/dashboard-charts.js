// Draws the dashboard charts from each canvas's data-chart JSON (Chart.js from public/vendor).
// The data table next to each chart stays the source of truth: without JavaScript it is the view.
(function () {
  'use strict';
  // Okabe–Ito: distinct for the common forms of colour blindness.
  var palette = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'];
  var statusColours = ['#009E73', '#E69F00', '#D55E00', '#999999']; // on track, at risk, off track, no data
  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute('data-chart'));
    } catch (e) {
      return;
    }
    var many = spec.type === 'doughnut';
    var datasets = spec.datasets.map(function (d, i) {
      var colours = many ? statusColours.slice(0, d.data.length) : palette[i % palette.length];
      return {
        label: d.label,
        data: d.data,
        backgroundColor: colours,
        borderColor: many ? '#ffffff' : palette[i % palette.length],
        borderWidth: many ? 2 : 1,
        fill: false,
        tension: 0.2,
      };
    });
    canvas.chart = new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'bottom' } },
        scales: many
          ? {}
          : { y: spec.yMin !== undefined ? { min: spec.yMin, max: spec.yMax } : { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    if (!window.Chart) return;
    document.querySelectorAll('canvas[data-chart]').forEach(draw);
    // With charts drawn, the tables fold away on screen; they open again for printing.
    var tables = document.querySelectorAll('details.dash-data');
    tables.forEach(function (d) {
      d.open = false;
    });
    window.addEventListener('beforeprint', function () {
      tables.forEach(function (d) {
        d.open = true;
      });
    });
  });
})();
