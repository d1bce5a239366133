/* The header's search: title suggestions for its box (a <datalist> filled as one types)
   and, on a phone, the "Search" link that opens the box in place; on the search page,
   the filters open beside the results on a wide screen. Without JavaScript the link goes
   to the search page and the filters are a button that opens them. */
(function () {
  "use strict";
  var form = document.getElementById("site-search");
  var toggle = document.querySelector("[data-search-toggle]");
  if (form && toggle) {
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var open = !form.classList.contains("is-open");
      form.classList.toggle("is-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) form.querySelector("input[type=search]").focus();
    });
  }

  var filters = document.querySelector("details.filters");
  if (filters && window.matchMedia && window.matchMedia("(min-width: 56rem)").matches) filters.open = true;

  var input = document.getElementById("site-search-q");
  var list = document.getElementById("site-search-suggestions");
  if (!input || !list || !window.fetch) return;
  var url = input.getAttribute("data-suggest-url");
  var language = document.documentElement.lang || "";
  var timer = null;
  var last = "";

  function fill(suggestions) {
    list.textContent = "";
    suggestions.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.title;
      list.appendChild(option);
    });
  }

  function ask() {
    var text = input.value.trim();
    if (text.length < 2 || text === last) return;
    last = text;
    var query = "?q=" + encodeURIComponent(text) + "&lang=" + encodeURIComponent(language);
    fetch(url + query, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value.trim() === text) fill(data.suggestions || []); })
      .catch(function () { /* suggestions are a convenience: the search itself still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
})();
