// Form pages: move focus to the error summary when a form comes back with errors (GOV.UK's
// pattern), else to an element marked data-autofocus (a confirmation's question); a link in
// the summary focuses its field. Static, so the CSP's script-src 'self' allows it.
(function () {
  function focusFirst() {
    var target = document.querySelector("[data-error-summary]") || document.querySelector("[data-autofocus]");
    if (target) { target.focus(); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) { event.preventDefault(); field.focus(); field.scrollIntoView({block: "center"}); }
  });
  // A table wider than the screen scrolls sideways in its .table-scroll box: a keyboard
  // reaches and scrolls it only if the box takes focus (longer words, as in Hindi, make
  // more tables scroll on a phone).
  function scrollersFocusable() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) { box.tabIndex = 0; } else { box.removeAttribute("tabindex"); }
    });
  }
  function ready() { focusFirst(); scrollersFocusable(); }
  // htmx swaps (the titles' inline confirmation) focus what they bring in as well.
  document.addEventListener("htmx:afterSwap", ready);
  window.addEventListener("resize", scrollersFocusable);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
