// A background job's page (certificate issuance, roster exports and imports, reminder runs) asks
// the server how far the job has come every two seconds and moves the bar and the counts; when the
// job stops the page reloads to show the outcome. Without JavaScript the page refreshes itself
// (meta refresh) and says the same.
//
// Markup: an element with data-progress-url (the JSON address: percent, busy and counts), a
// <span data-bar> inside the bar (role="progressbar", whose aria-valuenow follows), and elements
// named data-done, data-total, data-failed or data-sent for the counts the JSON gives.
(function () {
  "use strict";
  var COUNTS = ["done", "total", "failed", "sent"];
  function setup(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("[data-bar]");
    var refresh = document.querySelector("meta[http-equiv=refresh]");
    if (refresh) { refresh.parentNode.removeChild(refresh); }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          if (bar) { bar.style.width = data.percent + "%"; }
          COUNTS.forEach(function (name) {
            var field = box.querySelector("[data-" + name + "]");
            if (field && data[name] !== undefined) { field.textContent = data[name]; }
          });
          if (bar) { bar.parentNode.setAttribute("aria-valuenow", String(data.percent)); }
          if (data.busy) { window.setTimeout(poll, 2000); } else { window.location.reload(); }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-progress-url]").forEach(setup);
  });
})();
