/* Cocrea: the live layer of discussions. No framework, no build step.

   1. window.cocreaLive: one live connection to a discussion
   (/ws/discussions/<app>.<model>.<pk>/), shared by every page that listens to one — a
   discussion, and pages of hosts with their own markup (a hearing's queue, its
   projection and text-only views), which load this file before their own.

   It reconnects with back-off and, on each (re)connection, asks for the events after the
   last one it saw; it notices an event whose predecessor never came (the live layer lost
   it) and asks for what came before; its heartbeat says how far it got, so what the
   layer lost at the very end comes too, and a heartbeat left unanswered for 10 s opens
   a new connection. Each event is handed to the page once, in order of arrival.

   window.cocreaLive({url, lastEvent, heartbeatSeconds, onMessage, onReaders, onStatus})
     onMessage(message): an event of the discussion ("contribution.created", …)
     onReaders(count):   how many people read it (null: unknown, or disconnected)
     onStatus(state):    "connected", "reconnecting" or "reload" (too much was missed)  */
(function () {
  "use strict";
  window.cocreaLive = function (options) {
    if (!("WebSocket" in window)) return null;
    var lastEvent = options.lastEvent || 0;
    var heartbeatSeconds = options.heartbeatSeconds || 30;
    var onMessage = options.onMessage || function () {};
    var onReaders = options.onReaders || function () {};
    var onStatus = options.onStatus || function () {};
    // Events already handled past lastEvent (one arrived before its predecessor): a
    // catch-up sends them again, and they must not count twice.
    var handled = {};
    var catchingUp = false;
    var unanswered = null;
    var socket = null, backoff = 1000, heartbeat = null, stopped = false;

    function send(message) {
      if (socket && socket.readyState === 1) socket.send(JSON.stringify(message));
    }
    // Move the mark over events handled early whose predecessor has now come.
    function advance() {
      var moved = true;
      while (moved) {
        moved = false;
        Object.keys(handled).forEach(function (id) {
          if (handled[id] === lastEvent) { lastEvent = Number(id); delete handled[id]; moved = true; }
        });
      }
    }
    function handle(message) {
      if (typeof message.id === "number") {
        if (message.id <= lastEvent || handled[message.id] !== undefined) return;  // seen already
        if (typeof message.previous === "number" && message.previous > lastEvent) {
          // An event whose predecessor never came: the live layer lost something (Redis
          // restarted, say). Handle it, remember it, and ask for what came before.
          handled[message.id] = message.previous;
          if (!catchingUp) { catchingUp = true; send({ type: "catch_up", after: lastEvent }); }
        } else {
          lastEvent = message.id;
          advance();
        }
      }
      switch (message.type) {
        case "caught_up": catchingUp = false; break;
        case "pong": window.clearTimeout(unanswered); unanswered = null; onReaders(message.readers); break;
        case "hello": onReaders(message.readers); break;
        case "reload": catchingUp = true; onStatus("reload"); break;  // only a reload helps now
        case "event.skipped": break;
        default: onMessage(message);
      }
    }
    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      // Contributions arrive rendered in the language of this page.
      var language = "?lang=" + encodeURIComponent(document.documentElement.lang || "");
      socket = new WebSocket(scheme + window.location.host + options.url + language);
      socket.onopen = function () {
        backoff = 1000;
        onStatus("connected");
        catchingUp = true;
        send({ type: "catch_up", after: lastEvent });
        heartbeat = window.setInterval(function () {
          send({ type: "ping", after: lastEvent });
          if (unanswered === null) unanswered = window.setTimeout(function () { socket.close(); }, 10000);
        }, heartbeatSeconds * 1000);
      };
      socket.onmessage = function (event) { handle(JSON.parse(event.data)); };
      socket.onclose = function (event) {
        window.clearInterval(heartbeat);
        window.clearTimeout(unanswered);
        unanswered = null;
        onReaders(null);
        if (stopped || event.code === 4404) return;
        onStatus("reconnecting");
        window.setTimeout(connect, backoff + Math.random() * 1000);
        backoff = Math.min(backoff * 2, 30000);
      };
    }
    window.addEventListener("pagehide", function () { stopped = true; if (socket) socket.close(); });
    connect();
    return { lastEvent: function () { return lastEvent; } };
  };
})();
/* 2. A discussion's page: what arrives while reading lands in its thread. The page
   works without it; this only adds what arrives while reading. */
(function () {
  "use strict";
  var section = document.querySelector("[data-live-url]");
  var messagesNode = document.getElementById("live-messages");
  if (!section || !messagesNode || !window.cocreaLive || !("WebSocket" in window)) return;
  var text = JSON.parse(messagesNode.textContent);
  var participant = section.hasAttribute("data-participant");
  var statusNode = section.querySelector("[data-live-status]");
  var announcer = section.querySelector("[data-live-announcer]");
  var readersNode = section.querySelector("[data-readers]");
  var pendingButton = section.querySelector("[data-live-pending]");
  var pending = [];

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function announce(message) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }
  function status(message) {
    statusNode.textContent = message || "";
    statusNode.hidden = !message;
  }
  function showReaders(count) {
    if (typeof count !== "number") { readersNode.hidden = true; return; }
    readersNode.textContent = fill(count === 1 ? text.readers_one : text.readers_other, { count: count });
    readersNode.hidden = false;
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function fragment(message) {
    var holder = document.createElement("div");
    holder.innerHTML = participant && message.html_participant ? message.html_participant : message.html;
    var token = csrfToken();
    holder.querySelectorAll("form[method=post]").forEach(function (form) {
      if (!form.querySelector("input[name=csrfmiddlewaretoken]") && token) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "csrfmiddlewaretoken"; input.value = token;
        form.prepend(input);
      }
    });
    return holder.firstElementChild;
  }
  function typing() {
    var active = document.activeElement;
    if (active && active.tagName === "TEXTAREA" && section.contains(active)) return true;
    return Array.prototype.some.call(section.querySelectorAll("textarea"), function (area) { return area.value.trim() !== ""; });
  }
  function listFor(message) {
    if (message.parent) {
      var parent = document.getElementById("c" + message.parent);
      if (!parent) return null;
      var replies = parent.querySelector(":scope > ol.replies");
      if (!replies) { replies = document.createElement("ol"); replies.className = "replies"; parent.appendChild(replies); }
      return replies;
    }
    var threads = section.querySelector("ol.threads");
    if (!threads) {
      threads = document.createElement("ol"); threads.className = "threads";
      var empty = section.querySelector(".empty-state");
      if (empty) empty.replaceWith(threads); else section.appendChild(threads);
    }
    return threads;
  }
  function insert(message) {
    var existing = document.getElementById("c" + message.contribution);
    var article = fragment(message);
    if (existing) { update(message); return; }
    var list = listFor(message);
    if (!list || !article) return;
    var item = document.createElement("li");
    item.appendChild(article);
    var newestFirst = !message.parent && section.getAttribute("data-ordering") === "newest";
    var atEnd = message.parent || section.getAttribute("data-last-page") === "1";
    if (newestFirst || !atEnd) list.prepend(item); else list.appendChild(item);
    article.classList.add("contribution--new");
  }
  function update(message) {
    var existing = document.getElementById("c" + message.contribution);
    if (!existing) { refreshPending(message); return; }
    var article = fragment(message);
    var replies = existing.querySelector(":scope > ol.replies");
    existing.className = article.className;
    existing.replaceChildren.apply(existing, Array.prototype.slice.call(article.childNodes));
    if (replies) existing.appendChild(replies);
  }
  function react(message) {
    var article = document.getElementById("c" + message.contribution);
    if (!article) { refreshPending(message); return; }
    ["support", "disagree"].forEach(function (kind) {
      article.querySelectorAll(":scope > footer [data-count=" + kind + "]").forEach(function (node) {
        node.textContent = message[kind];
      });
    });
  }
  // What changes while a contribution waits behind the button (withdrawn, moderated,
  // reacted to) must show when it is inserted, not the text it arrived with.
  function refreshPending(message) {
    pending.forEach(function (waiting) {
      if (waiting.contribution !== message.contribution) return;
      if (message.type === "reaction.changed") { waiting.reaction = message; return; }
      waiting.html = message.html;
      waiting.html_participant = message.html_participant;
    });
  }
  function flushPending() {
    pending.forEach(function (message) {
      insert(message);
      if (message.reaction) react(message.reaction);
    });
    if (pending.length) announce(fill(text.shown, { count: pending.length }));
    var first = pending.length && document.getElementById("c" + pending[0].contribution);
    pending = [];
    pendingButton.hidden = true;
    if (first) {  // the button is gone: keep keyboard focus where the new content is
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  }
  function created(message) {
    if (typing()) {
      pending.push(message);
      pendingButton.textContent = fill(pending.length === 1 ? text.pending_one : text.pending_other, { count: pending.length });
      pendingButton.hidden = false;
      announce(pendingButton.textContent);
    } else {
      insert(message);
      announce(text.arrived);
    }
  }
  function closed() {
    var form = document.getElementById("aportar");
    if (form) {
      var notice = document.createElement("p");
      notice.className = "notice"; notice.textContent = text.closed;
      form.replaceWith(notice);
    }
    section.querySelectorAll(".reactions button").forEach(function (button) { button.disabled = true; });
    announce(text.closed);
  }
  function handle(message) {
    switch (message.type) {
      case "contribution.created": created(message); break;
      case "contribution.updated": update(message); break;
      case "reaction.changed": react(message); break;
      case "discussion.closed": closed(); break;
      case "discussion.opened": status(text.opened); break;
      case "discussion.reloaded": status(text.reload); break;  // many arrived at once (an import)
    }
  }
  pendingButton.addEventListener("click", flushPending);
  window.cocreaLive({
    url: section.getAttribute("data-live-url"),
    lastEvent: parseInt(section.getAttribute("data-last-event"), 10) || 0,
    heartbeatSeconds: parseInt(section.getAttribute("data-heartbeat"), 10) || 30,
    onMessage: handle,
    onReaders: showReaders,
    onStatus: function (state) {
      if (state === "connected") status("");
      else if (state === "reconnecting") status(text.reconnecting);
      else if (state === "reload") status(text.reload);
    }
  });
})();

/* Reply and report in place: the link's own page (for readers without JavaScript) is
   fetched and its form opens under the contribution; sending it is the ordinary post,
   which brings the reader back to the contribution. */
(function () {
  "use strict";
  var section = document.querySelector("section.discussion");
  var messagesNode = document.getElementById("live-messages");
  if (!section || !window.fetch || !window.DOMParser) return;
  var cancelText = messagesNode ? JSON.parse(messagesNode.textContent).cancel : "×";

  function close(panel, link) {
    panel.remove();
    link.setAttribute("aria-expanded", "false");
    link.focus();
  }

  function uniqueIds(root, prefix) {
    root.querySelectorAll("[id]").forEach(function (node) { node.id = prefix + node.id; });
    root.querySelectorAll("label[for]").forEach(function (node) { node.htmlFor = prefix + node.htmlFor; });
    root.querySelectorAll("[aria-describedby]").forEach(function (node) {
      node.setAttribute("aria-describedby", node.getAttribute("aria-describedby").split(" ").map(function (id) { return prefix + id; }).join(" "));
    });
  }

  function open(link, article) {
    var existing = article.querySelector(":scope > .inplace[data-for='" + link.getAttribute("data-inplace") + "']");
    if (existing) { close(existing, link); return; }
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var content = page.querySelector("main form[method=post]") || page.querySelector("main .notice");
        if (!content) throw new Error("no form");
        var panel = document.createElement("div");
        panel.className = "inplace";
        panel.setAttribute("data-for", link.getAttribute("data-inplace"));
        panel.setAttribute("role", "group");
        panel.setAttribute("aria-label", link.textContent.trim());
        var cancel = document.createElement("button");
        cancel.type = "button";
        cancel.className = "link-button inplace__close";
        cancel.textContent = cancelText;
        cancel.addEventListener("click", function () { close(panel, link); });
        panel.appendChild(cancel);
        var copy = document.importNode(content, true);
        // The report page's form posts to its own address, which here is another page's.
        if (copy.tagName === "FORM" && !copy.getAttribute("action")) copy.setAttribute("action", link.href);
        panel.appendChild(copy);
        uniqueIds(panel, article.id + "-" + link.getAttribute("data-inplace") + "-");
        var actions = article.querySelector(":scope > .contribution__actions");
        if (actions) actions.after(panel); else article.appendChild(panel);
        link.setAttribute("aria-expanded", "true");
        var first = panel.querySelector("textarea, input[type=radio], input:not([type=hidden]), button[type=submit]");
        if (first) first.focus();
      })
      .catch(function () { window.location.href = link.href; });
  }

  section.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-inplace]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var article = link.closest("article.contribution");
    if (!article) return;
    event.preventDefault();
    open(link, article);
  });
})();
