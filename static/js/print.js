// A button marked data-print opens the browser's print dialog (no inline scripts: the
// Content Security Policy allows scripts from our own origin only).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
