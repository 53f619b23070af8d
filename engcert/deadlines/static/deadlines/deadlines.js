// A reminder run's page asks the server how far the run has come every two seconds and moves
// the bar; without JavaScript the page refreshes itself (meta refresh).
(function () {
  "use strict";
  function setup(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector(".reminder-progress span");
    var done = box.querySelector("[data-done]");
    var total = box.querySelector("[data-total]");
    var sent = box.querySelector("[data-sent]");
    var refresh = document.querySelector("meta[http-equiv=refresh]");
    if (refresh) { refresh.parentNode.removeChild(refresh); }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) {
          if (bar) { bar.style.width = data.percent + "%"; }
          if (done) { done.textContent = data.done; }
          if (total) { total.textContent = data.total; }
          if (sent) { sent.textContent = data.sent; }
          box.setAttribute("aria-valuenow", String(data.percent));
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
