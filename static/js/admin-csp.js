/* Cocrea: what Wagtail's admin starts with inline scripts, started here instead, because
   the Content-Security-Policy allows no inline script. The templates overridden under
   templates/wagtailadmin/ leave a hidden marker with the same arguments:
   - data-csp-init="initDateTimeChooser" data-csp-target="<input id>" data-csp-config="{json}"
   - data-csp-panel="InlinePanel" data-csp-options="{json}"
   - data-csp-chooser="DocumentChooser" data-csp-target="<input id>" data-csp-options="{json}"
     (core/admin_widgets.py)
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
    } else if (marker.dataset.cspChooser && typeof window[marker.dataset.cspChooser] === "function") {
      new window[marker.dataset.cspChooser](target, JSON.parse(marker.dataset.cspOptions || "{}"));
    }
  }
  function startAll(root) {
    var selector = "[data-csp-init], [data-csp-panel], [data-csp-chooser]";
    if (root.matches && root.matches(selector)) start(root);
    if (root.querySelectorAll) root.querySelectorAll(selector).forEach(start);
  }
  startAll(document);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) { mutation.addedNodes.forEach(startAll); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
