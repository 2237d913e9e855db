// Draws the overview's trend charts (decisions of the last 24 hours, sign-ups and churn)
// from the figures each canvas carries in its data-chart attribute; loaded as a file of
// this origin, as the page's content security policy asks. The tables beside the charts
// hold the same figures.
(function () {
  'use strict';
  if (typeof Chart === 'undefined') {
    return;
  }
  var style = getComputedStyle(document.documentElement);
  function colour(name) {
    return style.getPropertyValue(name).trim();
  }
  Chart.defaults.color = colour('--muted');
  Chart.defaults.borderColor = colour('--border');

  function draw(id, type, names, colours, extra) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    var data = JSON.parse(canvas.getAttribute('data-chart'));
    var datasets = Object.keys(names).filter(function (key) {
      return data.series[key];
    }).map(function (key, i) {
      var set = {
        label: names[key],
        data: data.series[key],
        backgroundColor: colour(colours[i]),
        borderColor: colour(colours[i])
      };
      return extra ? extra(key, set) : set;
    });
    new Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  draw('decisions-chart', 'line', { allowed: 'Allowed', refused: 'Refused' }, ['--chart-1', '--chart-3'],
    function (key, set) {
      set.pointRadius = 2;
      set.borderDash = key === 'refused' ? [6, 3] : [];
      return set;
    });
  draw('growth-chart', 'bar',
    { newCustomers: 'New customers', newPaidSubscriptions: 'New paid', churnedSubscriptions: 'Churned' },
    ['--chart-1', '--chart-2', '--chart-3']);
})();
