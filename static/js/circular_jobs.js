// Poll unfinished circular jobs and update their row; reload once a job finishes so downloads appear.
(function () {
  "use strict";
  function paint(row) {
    var bar = row.querySelector(".job-progress");
    if (bar) { bar.style.width = (bar.dataset.progress || 0) + "%"; }
  }
  function poll(row) {
    fetch(row.dataset.jobUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        row.querySelector(".job-status").textContent = job.status_label + (job.error ? "：" + job.error : "");
        var bar = row.querySelector(".job-progress");
        bar.dataset.progress = job.progress;
        paint(row);
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(function () { poll(row); }, 1500);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, 5000); });
  }
  document.querySelectorAll("#jobs tr[data-job-url]").forEach(function (row) {
    paint(row);
    if (row.dataset.status === "queued" || row.dataset.status === "running") { poll(row); }
  });
})();
