// A button with data-copy="#some-id" copies that element's text to the clipboard and says
// so (no inline scripts: the Content Security Policy allows scripts from our origin only).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-copy]");
  const source = button && document.querySelector(button.dataset.copy);
  if (!source || !navigator.clipboard) {
    return;
  }
  const text = Array.from(source.querySelectorAll("code"), (code) => code.textContent).join("\n");
  navigator.clipboard.writeText(text || source.textContent).then(function () {
    // The page gives the word in its language (data-copied), English otherwise.
    button.textContent = button.dataset.copied || "Copied";
  });
});
