// Draws one small line chart per KPI from its canvas's data-* attributes (Chart.js from public/vendor):
// the measured values, with the baseline and target as flat reference lines. The measurement table
// beside each chart stays in the page: it is the screen-reader and no-JavaScript alternative.
(function () {
  'use strict';
  function parse(canvas, name) {
    try {
      return JSON.parse(canvas.getAttribute(name));
    } catch (e) {
      return null;
    }
  }
  function draw(canvas) {
    var labels = parse(canvas, 'data-labels');
    var values = parse(canvas, 'data-values');
    if (!labels || !values) return;
    var target = Number(canvas.getAttribute('data-target'));
    var baseline = Number(canvas.getAttribute('data-baseline'));
    var flat = function (v) {
      return labels.map(function () {
        return v;
      });
    };
    canvas.chart = new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: labels,
        datasets: [
          { label: canvas.getAttribute('data-name'), data: values, borderColor: '#0072B2', backgroundColor: '#0072B2', tension: 0.2 },
          {
            label: canvas.getAttribute('data-target-label'),
            data: flat(target),
            borderColor: '#009E73',
            borderDash: [6, 4],
            pointRadius: 0,
          },
          {
            label: canvas.getAttribute('data-baseline-label'),
            data: flat(baseline),
            borderColor: '#999999',
            borderDash: [2, 3],
            pointRadius: 0,
          },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } },
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    if (!window.Chart) return;
    document.querySelectorAll('canvas.kpi-chart').forEach(draw);
  });
})();
