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
  // htmx swaps (the titles' inline confirmation) focus what they bring in as well.
  document.addEventListener("htmx:afterSwap", focusFirst);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", focusFirst); } else { focusFirst(); }
})();
