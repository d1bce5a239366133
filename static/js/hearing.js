/* Cocrea: a public hearing's pages. No framework, no build step; after discussion-live.js.

   - A video (the broadcast, the recording) loads only when the reader asks for it: the
     button becomes the player's frame. Nothing of the video's host loads before.
   - The page, its projection and text-only views and the moderators' console follow the
     hearing live (window.cocreaLive): each question arrives rendered as the page shows it,
     with its state in data-state, and goes where that state says — "being answered now",
     the queue (most supported first, then the earliest), the answered ones — or leaves
     every list (withdrawn, removed by moderation).
   - The console adds its controls to each question and sends them without leaving the
     page; it hears of questions held for review on its own channel (moderators only). */
(function () {
  "use strict";

  document.querySelectorAll("[data-video-embed]").forEach(function (button) {
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = button.getAttribute("data-video-embed");
      frame.title = button.getAttribute("data-video-title") || "";
      frame.className = "video__frame";
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.setAttribute("allowfullscreen", "");
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      button.replaceWith(frame);
      frame.focus();
    });
  });

  var root = document.querySelector("[data-hearing-live]");
  var messagesNode = document.getElementById("hearing-live-messages");
  if (!root || !messagesNode || !window.cocreaLive) return;
  var text = JSON.parse(messagesNode.textContent);
  var view = root.getAttribute("data-view");
  var participant = root.hasAttribute("data-participant");
  var onAir = root.querySelector("[data-on-air]");
  var queue = root.querySelector("[data-queue]");
  var settled = root.querySelector("[data-settled]");
  var statusNode = root.querySelector("[data-live-status]");
  var announcer = root.querySelector("[data-live-announcer]");
  var readersNode = root.querySelector("[data-readers]");
  var SETTLED = ["answered_room", "answered_writing", "out_of_scope"];
  var PLACEHOLDER = "987654321";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function status(message) {
    if (!statusNode) return;
    statusNode.textContent = message || "";
    statusNode.hidden = !message;
  }
  function announce(message) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }
  function showReaders(count) {
    if (!readersNode) return;
    if (typeof count !== "number") { readersNode.hidden = true; return; }
    readersNode.textContent = fill(count === 1 ? text.readers_one : text.readers_other, { count: count });
    readersNode.hidden = false;
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function withToken(node) {
    var token = csrfToken();
    node.querySelectorAll("form[method=post]").forEach(function (form) {
      if (!form.querySelector("input[name=csrfmiddlewaretoken]") && token) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "csrfmiddlewaretoken"; input.value = token;
        form.prepend(input);
      }
    });
    return node;
  }
  function fragment(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    return holder.firstElementChild ? withToken(holder.firstElementChild) : null;
  }

  // --- the console's controls -------------------------------------------------------------
  function actionsFor(id, state) {
    if (view !== "console") return null;
    var template = root.querySelector("template[data-actions-template='" + state + "']");
    if (!template) return null;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.split(PLACEHOLDER).join(String(id));
    return holder.firstElementChild ? withToken(holder.firstElementChild) : null;
  }
  function consoleMessage(message) {
    var node = root.querySelector("[data-console-message]");
    if (!node) return;
    node.textContent = message || "";
    node.hidden = !message;
  }
  if (view === "console") {
    root.addEventListener("submit", function (event) {
      var form = event.target.closest("form[data-console-action]");
      if (!form || !window.fetch) return;
      event.preventDefault();
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (button) { button.disabled = true; });
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        consoleMessage(result.ok ? "" : result.data.message);
        if (result.ok) announce(result.data.message);
      }).catch(function () {
        consoleMessage(text.reconnecting);
      }).then(function () {
        buttons.forEach(function (button) { button.disabled = false; });
      });
    });
  }

  // --- where a question goes -----------------------------------------------------------------
  function rank(article) {
    return [-(parseInt(article.getAttribute("data-support"), 10) || 0),
            parseInt(article.getAttribute("data-asked"), 10) || 0,
            parseInt(article.getAttribute("data-question"), 10) || 0];
  }
  function before(a, b) {
    for (var i = 0; i < 3; i++) { if (a[i] !== b[i]) return a[i] < b[i]; }
    return false;
  }
  function insertSorted(item, article) {
    var mine = rank(article);
    var next = Array.prototype.find.call(queue.children, function (other) {
      var otherArticle = other.querySelector("article");
      return otherArticle && before(mine, rank(otherArticle));
    });
    queue.insertBefore(item, next || null);
  }
  function take(id) {
    var old = document.getElementById("c" + id);
    if (!old) return null;
    var item = old.closest("li");
    if (item && item.parentNode && item.parentNode.tagName === "OL") item.remove();
    else {
      var actions = root.querySelector("[data-actions-for='" + id + "']");
      if (actions) actions.remove();
      old.remove();
    }
    return old;
  }
  function keepPressed(old, fresh) {
    // A rendering for everyone does not know this reader's own support: keep it.
    var before = old.querySelector("form.reactions"), after = fresh.querySelector("form.reactions");
    if (!before || !after) return;
    ["button", "input[name=supporting]"].forEach(function (selector) {
      var from = before.querySelector(selector), to = after.querySelector(selector);
      if (!from || !to) return;
      if (from.hasAttribute("aria-pressed")) to.setAttribute("aria-pressed", from.getAttribute("aria-pressed"));
      if (selector !== "button") to.value = from.value;
    });
  }
  function place(article) {
    var id = article.getAttribute("data-question"), state = article.getAttribute("data-state");
    var actions = actionsFor(id, state);
    if (state === "on_air" && onAir) {
      onAir.replaceChildren(article);
      if (actions) onAir.appendChild(actions);
      var words = article.querySelector(".question__text");
      announce(text.on_air + ": " + (words ? words.textContent.trim() : ""));
    } else if (state === "pending" && queue) {
      var item = document.createElement("li");
      item.appendChild(article);
      if (actions) item.appendChild(actions);
      insertSorted(item, article);
    } else if (SETTLED.indexOf(state) >= 0 && settled) {
      var done = document.createElement("li");
      done.appendChild(article);
      settled.prepend(done);
    }
  }
  function refresh() {
    if (onAir && !onAir.querySelector("article")) {
      onAir.replaceChildren();
      var idle = document.createElement("p");
      idle.className = view === "projection" ? "projection__idle" : "empty-state";
      idle.setAttribute("data-idle", "");
      idle.textContent = text.nothing_on_air;
      onAir.appendChild(idle);
    } else if (onAir) {
      var stale = onAir.querySelector("[data-idle]");
      if (stale) stale.remove();
    }
    var pendingCount = queue ? queue.children.length : null;
    root.querySelectorAll("[data-count-queue]").forEach(function (node) { if (pendingCount !== null) node.textContent = pendingCount; });
    root.querySelectorAll("[data-count-settled]").forEach(function (node) { if (settled) node.textContent = settled.children.length; });
    var empty = root.querySelector("[data-queue-empty]");
    if (empty && queue) empty.hidden = queue.children.length > 0;
  }
  function arrived(message) {
    var html = participant && message.html_participant ? message.html_participant : message.html;
    var fresh = fragment(html);
    var old = take(message.contribution);
    if (old && fresh) keepPressed(old, fresh);
    if (fresh) place(fresh);
    refresh();
  }
  function supported(message) {
    var article = document.getElementById("c" + message.contribution);
    if (!article) return;
    article.setAttribute("data-support", message.support);
    article.querySelectorAll("[data-count=support]").forEach(function (node) { node.textContent = message.support; });
    var item = article.closest("li");
    if (queue && item && item.parentNode === queue) { item.remove(); insertSorted(item, article); }
  }
  function closed() {
    var form = document.getElementById("preguntar");
    if (form && form.tagName === "FORM") {
      var notice = document.createElement("p");
      notice.className = "notice"; notice.id = "preguntar"; notice.textContent = text.closed;
      form.replaceWith(notice);
    }
    root.querySelectorAll(".question__support button").forEach(function (button) { button.disabled = true; });
    announce(text.closed);
  }

  window.cocreaLive({
    url: root.getAttribute("data-live-url"),
    lastEvent: parseInt(root.getAttribute("data-last-event"), 10) || 0,
    heartbeatSeconds: parseInt(root.getAttribute("data-heartbeat"), 10) || 30,
    onReaders: showReaders,
    onStatus: function (state) {
      root.setAttribute("data-live-state", state);  // for styles, and for tests to wait on
      if (state === "connected") status("");
      else if (state === "reconnecting") status(text.reconnecting);
      else if (state === "reload") status(text.reload);
    },
    onMessage: function (message) {
      switch (message.type) {
        case "contribution.created":
        case "contribution.updated": arrived(message); break;
        case "reaction.changed": supported(message); break;
        case "discussion.closed": closed(); break;
        case "discussion.opened": status(text.opened); break;
        case "discussion.reloaded": status(text.reload); break;  // many arrived at once (an import)
      }
    }
  });

  // --- the console's own channel: questions held for review ---------------------------------------
  var heldList = root.querySelector("[data-held-list]");
  var consoleUrl = root.getAttribute("data-console-url");
  if (view !== "console" || !heldList || !consoleUrl) return;
  function heldItem(message) { return fragment(message.html); }
  function listen() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var language = "?lang=" + encodeURIComponent(document.documentElement.lang || "");
    var socket = new WebSocket(scheme + window.location.host + consoleUrl + language);
    var heartbeat = null;
    socket.onopen = function () {
      heartbeat = window.setInterval(function () { socket.send(JSON.stringify({ type: "ping" })); }, 30000);
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "held") {
        heldList.replaceChildren.apply(heldList, message.questions.map(heldItem).filter(Boolean));
      } else if (message.type === "question.held" && !heldList.querySelector("[data-held='" + message.contribution + "']")) {
        var item = heldItem(message);
        if (item) { heldList.appendChild(item); announce(item.textContent.trim().slice(0, 120)); }
      } else if (message.type === "question.reviewed") {
        var gone = heldList.querySelector("[data-held='" + message.contribution + "']");
        if (gone) gone.remove();
      }
    };
    socket.onclose = function (event) {
      window.clearInterval(heartbeat);
      if (event.code === 4403 || event.code === 4404) return;
      window.setTimeout(listen, 3000 + Math.random() * 2000);
    };
  }
  listen();
})();
