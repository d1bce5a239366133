/* Title suggestions for the header's search box: a <datalist> filled as one types.
   Without JavaScript the box is an ordinary search form. */
(function () {
  "use strict";
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
