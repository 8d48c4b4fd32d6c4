/* Small screens: the header's menu button and the folding filter panels.
   Loaded in <head> without defer so the `js` class is set before the first paint; the page
   works without it (the menu's items show, wrapped; filter panels stay open). */
(function () {
  "use strict";
  var SMALL = window.matchMedia("(max-width: 40rem)");
  var remembered = {}; // filter panel id -> open, kept across htmx swaps
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () { show(!isOpen()); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        show(false);
        button.focus();
      }
    });
    SMALL.addEventListener("change", function () { show(false); });
  }

  // Open on a wide screen; on a phone, folded unless the reader opened it before a swap.
  function setUpPanels(root) {
    var panels = root.querySelectorAll("details.filter-panel");
    Array.prototype.forEach.call(panels, function (panel) {
      if (panel.dataset.ready) return;
      var key = panel.id || "filters";
      panel.open = SMALL.matches ? remembered[key] === true : true;
      panel.dataset.ready = "true";
      panel.addEventListener("toggle", function () {
        if (SMALL.matches) remembered[key] = panel.open;
      });
    });
  }

  SMALL.addEventListener("change", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.filter-panel"),
      function (panel) { panel.open = !SMALL.matches; });
  });
  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    setUpPanels(document);
  });
  document.addEventListener("htmx:load", function (event) { setUpPanels(event.target); });
})();
