// okauth relay page script. OK.ru's client-side OAuth flow returns the
// token after "#", which never reaches the server. This script takes the
// fragment, removes it from the address bar and history first, and posts
// its parameters, unchanged, as an urlencoded form to this same URL.
(function () {
  "use strict";
  var fragment = window.location.hash.replace(/^#/, "");
  var here = window.location.pathname + window.location.search;
  // The token must not stay in the address bar, history or a bookmark.
  window.history.replaceState(null, "", here);

  var params = new URLSearchParams(fragment);
  if (!params.has("state") && !params.has("error") && !params.has("access_token")) {
    document.getElementById("okauth-empty").hidden = false;
    return;
  }
  // Shown only now, so that with JavaScript off the page shows just its
  // <noscript> text.
  document.getElementById("okauth-working").hidden = false;
  var form = document.createElement("form");
  form.method = "POST";
  form.action = here;
  form.enctype = "application/x-www-form-urlencoded";
  params.forEach(function (value, name) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  });
  document.body.appendChild(form);
  form.submit();
})();
