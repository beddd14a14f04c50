// Dashboard tables load on demand: a link inside .lazy-table ("显示表格", a sort header, a page link) fetches
// the table as a fragment from the element's data-path with the link's query and puts it in place. Without
// JavaScript the same link opens the page with that table rendered in it.
(function () {
  "use strict";
  function load(slot, query) {
    slot.setAttribute("aria-busy", "true");
    fetch(slot.dataset.path + query, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        slot.innerHTML = html;
        slot.dataset.loaded = "1";
      })
      .catch(function () {
        slot.insertAdjacentHTML("beforeend", '<p class="text-danger small">表格加载失败，请刷新页面重试。</p>');
      })
      .finally(function () { slot.removeAttribute("aria-busy"); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".lazy-table a[href^='?']");
    if (!link) { return; }
    event.preventDefault();
    load(link.closest(".lazy-table"), link.getAttribute("href"));
  });
})();
