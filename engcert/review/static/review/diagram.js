/* State diagram: on a narrow screen the drawing scrolls sideways inside its box; start with
   the first status (the draft) in view rather than the drawing's left edge. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll(".diagram-scroll").forEach(function (box) {
    var start = box.querySelector(".state-start rect");
    if (!start || box.scrollWidth <= box.clientWidth) { return; }
    var svg = box.querySelector("svg");
    var x = parseFloat(start.getAttribute("x")) + parseFloat(start.getAttribute("width")) / 2;
    var offset = svg.getBoundingClientRect().left - box.getBoundingClientRect().left + box.scrollLeft;
    box.scrollLeft = Math.max(0, offset + x - box.clientWidth / 2);
  });
});
