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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
