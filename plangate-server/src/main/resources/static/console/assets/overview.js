// Draws the overview's chart from the figures the page carries in its canvas's data-chart
// attribute; loaded as a file of this origin, as the page's content security policy asks.
(function () {
  'use strict';
  var canvas = document.getElementById('plans-chart');
  if (!canvas || typeof Chart === 'undefined') {
    return;
  }
  var data = JSON.parse(canvas.getAttribute('data-chart'));
  var style = getComputedStyle(document.documentElement);
  function colour(name) {
    return style.getPropertyValue(name).trim();
  }
  var colours = ['--chart-1', '--chart-2', '--chart-3'].map(colour);
  var labels = { active: 'Active', trialing: 'Trialing', past_due: 'Past due' };
  var datasets = Object.keys(data.series).map(function (status, i) {
    return {
      label: labels[status] || status,
      data: data.series[status],
      backgroundColor: colours[i % colours.length]
    };
  });
  Chart.defaults.color = colour('--muted');
  Chart.defaults.borderColor = colour('--border');
  new Chart(canvas, {
    type: 'bar',
    data: { labels: data.labels, datasets: datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }
      }
    }
  });
})();
