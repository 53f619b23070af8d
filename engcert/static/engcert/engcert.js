/* Progressive enhancement: everything works without this file. */
(function () {
  "use strict";

  // Sortable tables: a header marked data-sort gets a button (reached with Tab, pressed with
  // Enter or Space) that sorts by its column; the header's aria-sort says the order.
  function sortButton(th) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () { sortTable(th); });
  }

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


  // Formsets: "add another" clones the empty row kept in a <template>; new rows can be taken
  // out again, saved rows are marked for removal with their checkbox. Without this script the
  // formset shows one empty row and saving adds it.
  function setupFormset(container) {
    var prefix = container.getAttribute("data-prefix");
    var total = container.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = container.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    var rows = container.querySelector("[data-formset-rows]");
    var template = container.querySelector("template[data-formset-empty]");
    var add = container.querySelector("[data-formset-add]");
    if (!total || !rows || !template || !add) { return; }
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { return; }
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      enhanceRow(row, true);
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
    rows.querySelectorAll("[data-formset-row]").forEach(function (row) { enhanceRow(row, false); });
  }

  function enhanceRow(row, added) {
    var remove = row.querySelector("[data-formset-remove]");
    if (remove && added) {
      remove.hidden = false;
      remove.addEventListener("click", function () {
        // An unsaved row: its index stays counted and is read as an empty, ignored row.
        row.parentNode.removeChild(row);
      });
    }
    var toggle = row.querySelector("[data-formset-delete]");
    if (toggle) {
      var sync = function () { row.classList.toggle("is-removed", toggle.checked); };
      toggle.addEventListener("change", sync);
      sync();
    }
    row.querySelectorAll("textarea[data-charcount]").forEach(setupCharCount);
  }

  // Textareas with data-charcount show how many characters they hold.
  function setupCharCount(textarea) {
    if (textarea.getAttribute("data-charcount-ready")) { return; }
    textarea.setAttribute("data-charcount-ready", "1");
    var out = document.createElement("div");
    out.className = "charcount";
    out.setAttribute("aria-live", "polite");
    var short = parseInt(textarea.getAttribute("data-charcount") || "200", 10) || 200;
    var lang = document.documentElement.lang || "";
    var update = function () {
      var n = Array.from(textarea.value.trim()).length;
      out.textContent = lang.indexOf("zh") === 0 ? n + " 字" : n + (n === 1 ? " character" : " characters");
      out.classList.toggle("is-short", n > 0 && n < short);
    };
    textarea.insertAdjacentElement("afterend", out);
    textarea.addEventListener("input", update);
    update();
  }

  // Buttons with data-confirm ask before their form is sent.
  function confirmButton(button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  }

  // Staff: "show full number" asks the server (which logs the look) and shows the answer in place.
  function setupReveal(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var output = form.querySelector("output");
      var button = form.querySelector("button");
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (data) { output.textContent = data.id_number; if (button) { button.hidden = true; } })
        .catch(function () { output.textContent = form.getAttribute("data-error") || "!"; if (button) { button.disabled = false; } });
    });
  }

  // Boxes that scroll (a wide table on a phone, the pledge's text, the states diagram) take the
  // keyboard's focus while their content overflows, so that the arrow keys scroll them; named
  // after their table's caption or the heading above them.
  var SCROLLERS = ".table-wrap, .diagram-scroll, .pledge-text, .statement-text, pre";
  var scrollerTimer = 0;
  function scrollerName(box) {
    var caption = box.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    for (var node = box; node && node !== document.body; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-4]$/.test(before.tagName)) { return before.textContent.trim(); }
      }
    }
    return "";
  }
  function keyboardScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      var made = box.hasAttribute("data-scroll-focus");
      if (overflows && !made && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.setAttribute("data-scroll-focus", "");
        var name = scrollerName(box);
        if (name && !box.hasAttribute("role")) {
          box.setAttribute("data-scroll-focus", "named");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", name);
        }
      } else if (!overflows && made) {
        if (box.getAttribute("data-scroll-focus") === "named") { box.removeAttribute("role"); box.removeAttribute("aria-label"); }
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    document.querySelectorAll("[data-formset]").forEach(setupFormset);
    document.querySelectorAll("textarea[data-charcount]").forEach(setupCharCount);
    document.querySelectorAll("button[data-confirm]").forEach(confirmButton);
    document.querySelectorAll("form[data-reveal]").forEach(setupReveal);
    document.querySelectorAll("th[data-sort]").forEach(sortButton);
    keyboardScrollers();
    window.addEventListener("resize", function () {
      window.clearTimeout(scrollerTimer);
      scrollerTimer = window.setTimeout(keyboardScrollers, 200);
    });
    document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
      input.addEventListener("input", function () { filterTable(input); });
    });
    document.querySelectorAll("form[data-dirty-warning]").forEach(watchDirty);
    document.querySelectorAll("form").forEach(submitOnce);
    // A value to copy (an API token) is selected whole when focused (no inline onfocus: the
    // content security policy runs no inline script).
    document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  });
})();
