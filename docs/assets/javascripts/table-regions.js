// Phones first: a table or a code block too wide for the screen scrolls inside its own box.
// That box must be reachable from the keyboard and say what it holds (WCAG 2.1.1; axe
// "scrollable-region-focusable"), so each one that can scroll becomes a labelled region.
(function () {
  function label(box) {
    var heading = box.querySelector("th");
    return heading ? "Table: " + heading.textContent.trim() + " (scrolls sideways)" : "Code (scrolls sideways)";
  }
  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap, .md-typeset pre > code").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label(box));
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  // The handbook's own wide tables stack into rows on a phone (handbook.css): each cell carries
  // its column's heading, to show above its text.
  function labelCells() {
    document.querySelectorAll(".stack-on-phone table").forEach(function (table) {
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, column) {
          if (headings[column]) {
            cell.setAttribute("data-label", headings[column]);
          }
        });
      });
    });
  }
  function start() {
    labelCells();
    mark();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.addEventListener("resize", mark);
})();
