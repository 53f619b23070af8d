/* Progressive enhancement: everything works without this file. */
(function () {
  "use strict";

  // Sortable tables: click a header marked data-sort.
  function sortTable(th) {
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = (a.cells[index].getAttribute("data-value") || a.cells[index].textContent).trim();
      var y = (b.cells[index].getAttribute("data-value") || b.cells[index].textContent).trim();
      var nx = parseFloat(x), ny = parseFloat(y);
      var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, document.documentElement.lang);
      return ascending ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  // Filter box: <input data-filter-table="id"> hides rows that do not contain the text.
  function filterTable(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    var needle = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
    });
  }

  // Forms with data-dirty-warning ask before leaving with unsaved changes.
  function watchDirty(form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  // Buttons with data-once are disabled after the first click so a double click sends once.
  function submitOnce(form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[data-once]").forEach(function (b) {
        window.setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortTable(th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortTable(th); } });
    });
    document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
      input.addEventListener("input", function () { filterTable(input); });
    });
    document.querySelectorAll("form[data-dirty-warning]").forEach(watchDirty);
    document.querySelectorAll("form").forEach(submitOnce);
  });
})();
