/* Cocrea: what Wagtail's admin starts with inline scripts, started here instead, because
   the Content-Security-Policy allows no inline script. The templates overridden under
   templates/wagtailadmin/ leave a hidden marker with the same arguments:
   - data-csp-init="initDateTimeChooser" data-csp-target="<input id>" data-csp-config="{json}"
   - data-csp-panel="InlinePanel" data-csp-options="{json}"
   Markers inside a <template> (an inline panel's empty form) start when Wagtail copies
   them into the page. */
(function () {
  "use strict";
  function start(marker) {
    if (marker.dataset.cspStarted || marker.closest("template")) return;
    var target = marker.dataset.cspTarget;
    if (target && target.indexOf("__prefix__") !== -1) return;
    marker.dataset.cspStarted = "1";
    if (marker.dataset.cspInit && typeof window[marker.dataset.cspInit] === "function") {
      window[marker.dataset.cspInit](target, JSON.parse(marker.dataset.cspConfig || "{}"));
    } else if (marker.dataset.cspPanel && typeof window[marker.dataset.cspPanel] === "function") {
      new window[marker.dataset.cspPanel](JSON.parse(marker.dataset.cspOptions));
    }
  }
  function startAll(root) {
    if (root.matches && root.matches("[data-csp-init], [data-csp-panel]")) start(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-csp-init], [data-csp-panel]").forEach(start);
  }
  startAll(document);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) { mutation.addedNodes.forEach(startAll); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
