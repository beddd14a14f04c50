// Draw every Plotly figure on the page: an element with data-figure="<id>" gets the figure JSON that
// json_script put in <script id="<id>">. data-rendered="1" marks it drawn (browser tests wait for it).
(function () {
  "use strict";
  // No mode bar: its unlabeled buttons would sit inside role="img"; the tables below give the figures.
  var config = { responsive: true, displaylogo: false, displayModeBar: false };
  var small = { staticPlot: true, displaylogo: false };
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var fig = JSON.parse(source.textContent);
    Plotly.newPlot(el, fig.data, fig.layout, el.classList.contains("sparkline") ? small : config).then(function () {
      el.dataset.rendered = "1";
    });
  });
})();
