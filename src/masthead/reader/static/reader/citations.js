// In-text citations: a preview of the cited reference on hover or keyboard focus.
// An enhancement: without JavaScript the links still jump to the reference list.
(function () {
  "use strict";
  var tip = null;
  var current = null;

  function referenceFor(link) {
    var href = link.getAttribute("href") || "";
    if (href.charAt(0) !== "#" || href.length < 2) return null;
    var target = document.getElementById(decodeURIComponent(href.slice(1)));
    return target && target.closest(".reference-list") ? target : null;
  }

  function hide() {
    if (!tip) return;
    tip.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function show(link) {
    var reference = referenceFor(link);
    if (!reference) return;
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "citation-preview";
      tip.className = "citation-preview";
      tip.setAttribute("role", "tooltip");
      tip.addEventListener("mouseleave", hide);
      document.body.appendChild(tip);
    }
    tip.textContent = reference.textContent.replace(/\s+/g, " ").trim(); // text only, never markup
    tip.hidden = false;
    var box = link.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.left = left + "px";
    tip.style.top = (box.bottom + window.scrollY + 6) + "px";
    current = link;
    link.setAttribute("aria-describedby", tip.id);
  }

  document.querySelectorAll(".article-body a.xref[href^='#']").forEach(function (link) {
    if (!referenceFor(link)) return;
    link.addEventListener("mouseenter", function () { show(link); });
    link.addEventListener("focus", function () { show(link); });
    link.addEventListener("mouseleave", function (event) {
      if (!tip || event.relatedTarget !== tip) hide();
    });
    link.addEventListener("blur", hide);
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
})();
