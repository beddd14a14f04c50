// Entry grid: after a refused save, move the focus to the first error so a screen reader reads it at once
// (the messages carry role="alert"; the invalid inputs aria-invalid="true").
(function () {
  "use strict";
  var first = document.querySelector("#grid-form [aria-invalid=true]") || document.getElementById("grid-errors");
  if (first) { first.focus(); }
})();
