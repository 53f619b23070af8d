/* Work queue: "select all on this page" and a count of what is selected. The page works
   without this file: each row has its own checkbox and "export all" needs none. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-queue-bulk]").forEach(function (form) {
      var all = form.querySelector("input[data-select-all]");
      var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=selected]"));
      var counter = form.querySelector("[data-selected-count]");
      var template = form.getAttribute("data-selected-text") || "";
      form.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
      function sync() {
        var chosen = boxes.filter(function (b) { return b.checked; }).length;
        if (all) {
          all.checked = chosen > 0 && chosen === boxes.length;
          all.indeterminate = chosen > 0 && chosen < boxes.length;
        }
        if (counter) {
          counter.hidden = chosen === 0;
          counter.textContent = template.replace("%(n)s", String(chosen));
        }
      }
      if (all) {
        all.addEventListener("change", function () {
          boxes.forEach(function (b) { b.checked = all.checked; });
          sync();
        });
      }
      boxes.forEach(function (b) { b.addEventListener("change", sync); });
      sync();
    });
  });
})();

/* The extra filters are folded away on a phone; on a wider screen they start open. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(min-width: 761px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }
});
