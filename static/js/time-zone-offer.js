// The browser's time zone, offered once to a member who never chose theirs
// (templates/accounts/partials/time_zone_offer.html): shown only when it differs.
(function () {
  function offer() {
    var box = document.querySelector("[data-zone-offer]");
    if (!box || !window.Intl) { return; }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === box.getAttribute("data-current")) { return; }
    box.querySelectorAll("[data-zone-name]").forEach(function (el) { el.textContent = zone; });
    box.querySelector("[data-zone-value]").value = zone;
    box.hidden = false;
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", offer); } else { offer(); }
})();
