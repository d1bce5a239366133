/* Cocrea admin: new held or flagged contributions announced on the moderation queue. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.location.pathname.indexOf(script.getAttribute("data-queue-path")) !== 0) return;
  if (!("WebSocket" in window)) return;
  var count = 0, backoff = 1000;
  var notice = document.createElement("div");
  notice.className = "help-block help-info";
  notice.setAttribute("role", "status");
  notice.hidden = true;
  var link = document.createElement("a");
  link.href = window.location.href;
  notice.appendChild(link);
  var main = document.querySelector("main") || document.body;
  main.prepend(notice);

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + script.getAttribute("data-live-url"));
    socket.onopen = function () { backoff = 1000; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type !== "moderation.queued") return;
      count += 1;
      link.textContent = script.getAttribute(count === 1 ? "data-text-one" : "data-text-other").replace("%(count)s", count);
      notice.hidden = false;
    };
    socket.onclose = function (event) {
      if (event.code === 4403) return;
      window.setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 30000);
    };
  }
  connect();
})();
