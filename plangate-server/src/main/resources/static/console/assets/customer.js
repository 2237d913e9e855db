// Draws a customer page's usage charts from the figures each canvas carries in its
// data-chart attribute: usage (so far this period, or per day), the limit as a dashed
// line and the projection to the period's end as a dotted one. Loaded as a file of this
// origin, as the page's content security policy asks; the page shows the same figures as
// tables.
(function () {
  'use strict';
  if (typeof Chart === 'undefined') {
    return;
  }
  function colour(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }
  function draw(canvas) {
    var data = JSON.parse(canvas.getAttribute('data-chart'));
    var unit = data.unit ? ' (' + data.unit + ')' : '';
    var datasets = [{
      label: (data.cumulative ? 'Used so far' : 'Used per day') + unit,
      data: data.used,
      borderColor: colour('--chart-1'),
      backgroundColor: colour('--chart-1'),
      pointRadius: 0,
      borderWidth: 2,
      spanGaps: false
    }];
    if (data.limit !== null && data.limit !== undefined) {
      datasets.push({
        label: 'Limit',
        data: data.labels.map(function () { return data.limit; }),
        borderColor: colour('--chart-3'),
        backgroundColor: colour('--chart-3'),
        borderDash: [6, 4],
        pointRadius: 0,
        borderWidth: 2
      });
    }
    if (data.projected.some(function (v) { return v !== null; })) {
      datasets.push({
        label: 'Projected',
        data: data.projected,
        borderColor: colour('--chart-2'),
        backgroundColor: colour('--chart-2'),
        borderDash: [2, 3],
        pointRadius: 0,
        borderWidth: 2
      });
    }
    var existing = Chart.getChart(canvas);
    if (existing) {
      existing.destroy();
    }
    new Chart(canvas, {
      type: 'line',
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { ticks: { maxTicksLimit: 8 } },
          y: { beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  }
  function drawAll() {
    Chart.defaults.color = colour('--muted');
    Chart.defaults.borderColor = colour('--border');
    document.querySelectorAll('canvas.usage-chart').forEach(draw);
  }
  drawAll();
  // the colours follow the system's light or dark mode when it changes
  if (window.matchMedia) {
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', drawAll);
  }
})();
