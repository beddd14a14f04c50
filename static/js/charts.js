// Draw every Plotly figure on the page: an element with data-figure="<id>" gets the figure JSON that
// json_script put in <script id="<id>">. data-rendered="1" marks it drawn (browser tests wait for it).
(function () {
  "use strict";
  // Nothing leaves the page: plotly.js defaults showSendToCloud to true, whose "Share chart…" button offers to
  // upload the figure (region rankings included) to Plotly's cloud.
  var private_ = {
    displaylogo: false, showSendToCloud: false, showEditInChartStudio: false, showLink: false,
    modeBarButtonsToRemove: ["sendDataToCloud", "editInChartStudio"]
  };
  // No mode bar either: its unlabeled buttons would sit inside role="img"; the tables give the figures.
  var config = Object.assign({ responsive: true, displayModeBar: false }, private_);
  var small = Object.assign({ staticPlot: true }, private_);
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var fig = JSON.parse(source.textContent);
    Plotly.newPlot(el, fig.data, fig.layout, el.classList.contains("sparkline") ? small : config).then(function () {
      el.dataset.rendered = "1";
    });
  });
})();
