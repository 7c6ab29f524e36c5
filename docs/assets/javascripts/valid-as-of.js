// Inspector copy: if the reader's clock is past the earliest next-review date of the
// documents in this copy, say that the copy may be out of date. Works offline.
(function () {
  var stamp = document.querySelector(".copy-stamp[data-earliest-review]");
  if (!stamp) return;
  var due = new Date(stamp.getAttribute("data-earliest-review") + "T23:59:59");
  if (new Date() > due) {
    stamp.querySelector(".copy-stamp__stale").hidden = false;
    stamp.classList.remove("info");
    stamp.classList.add("warning");
  }
})();
