/* The ballot of the participatory budget, updated in place.
   Without JavaScript, "Add" and "Remove" are ordinary forms and the server answers with
   the whole page. Here the same forms are sent in the background; the server answers
   with its own rendering of the envelope and of the summary (the running total is
   always the server's), which replaces the old one, and its message is announced. */
(function () {
  "use strict";
  var ballot = document.querySelector("[data-ballot]");
  var announcer = document.querySelector("[data-ballot-announcer]");
  var summary = document.querySelector("[data-ballot-summary]");
  if (!ballot || !window.fetch || !window.FormData) return;

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function replaceEnvelopes(envelopes) {
    Object.keys(envelopes).forEach(function (key) {
      var section = ballot.querySelector('[data-envelope="' + key + '"]');
      if (section) section.innerHTML = envelopes[key];
    });
  }

  ballot.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-ballot-choice")) return;
    event.preventDefault();
    var button = event.submitter || form.querySelector("button[name=action]");
    var data = new FormData(form);
    if (button && button.name) data.set(button.name, button.value);
    var proposal = data.get("proposal");
    if (button) button.disabled = true;
    /* Not form.action: the form's button is named "action", and a named control
       shadows the form's property of the same name (form.action is the button). */
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.headers.get("Content-Type") || response.headers.get("Content-Type").indexOf("json") === -1) {
          throw new Error("not json");
        }
        return response.json();
      })
      .then(function (answer) {
        replaceEnvelopes(answer.envelopes || {});
        if (summary && answer.summary) summary.innerHTML = answer.summary;
        announce(answer.message || "");
        var again = ballot.querySelector('input[name="proposal"][value="' + proposal + '"]');
        var next = again && again.form.querySelector("button");
        if (next) next.focus();
      })
      .catch(function () {
        /* The page the server would have shown without JavaScript. form.submit() sends
           no submitter: the button's name and value go in a hidden field. */
        if (button && button.name) {
          var field = document.createElement("input");
          field.type = "hidden";
          field.name = button.name;
          field.value = button.value;
          form.appendChild(field);
        }
        form.submit();
      });
  });
})();
