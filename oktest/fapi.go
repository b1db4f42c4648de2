package oktest

// portalJSPath is the script of the fake's app page.
const portalJSPath = "/js/portal.js"

// fapiJS stands in for OK's JS SDK inside the app's frame. It talks to the
// page that frames the app, which must be on the launch's api_server (the
// fake): FAPI.init announces the launch's apiconnection and succeeds when
// the page answers; FAPI.UI.showPayment asks the page for its purchase
// dialog; the page's answers reach the app's global API_callback.
const fapiJS = `(function () {
  "use strict";
  var parentOrigin = null, connection = null, ready = false;
  function getRequestParameters(query) {
    var out = {};
    var q = (query === undefined ? window.location.search : String(query)).replace(/^\?/, "");
    q.split("&").forEach(function (pair) {
      if (!pair) return;
      var i = pair.indexOf("=");
      var k = i < 0 ? pair : pair.slice(0, i), v = i < 0 ? "" : pair.slice(i + 1);
      try { out[decodeURIComponent(k)] = decodeURIComponent(v); } catch (e) { out[k] = v; }
    });
    return out;
  }
  function post(msg) {
    msg.apiconnection = connection;
    window.parent.postMessage(msg, parentOrigin);
  }
  function init(apiServer, apiConnection, onSuccess, onError) {
    var fail = function (why) { if (typeof onError === "function") onError(why); };
    try { parentOrigin = new URL(apiServer).origin; } catch (e) { fail("api_server is not a URL"); return; }
    if (!apiConnection || window.parent === window) { fail("not inside OK's page"); return; }
    connection = String(apiConnection);
    var timer = setTimeout(function () { fail("OK's page did not answer"); }, 10000);
    window.addEventListener("message", function (e) {
      if (e.source !== window.parent || e.origin !== parentOrigin || !e.data) return;
      if (e.data.fapi === "ready" && !ready) {
        ready = true;
        clearTimeout(timer);
        if (typeof onSuccess === "function") onSuccess();
      } else if (e.data.fapi === "callback" && typeof window.API_callback === "function") {
        window.API_callback(e.data.method, e.data.result, e.data.data);
      }
    });
    post({fapi: "init"});
  }
  function showPayment(name, description, code, price, options, attributes, currency, callback, uiConf) {
    if (!ready) throw new Error("FAPI.UI.showPayment before FAPI.init succeeded");
    post({fapi: "showPayment", name: String(name == null ? "" : name), description: String(description == null ? "" : description),
      code: String(code), price: Number(price), attributes: attributes == null ? "" : String(attributes),
      currency: currency == null ? "ok" : String(currency), callback: String(callback)});
  }
  window.FAPI = {Util: {getRequestParameters: getRequestParameters}, init: init, UI: {showPayment: showPayment}};
})();
`

// portalJS runs the fake's app page: it answers FAPI.init from the app's
// frame, shows the purchase dialog FAPI.UI.showPayment asks for, has the
// fake deliver a confirmed purchase, and answers API_callback.
const portalJS = `(function () {
  "use strict";
  var frame = document.getElementById("app");
  var appOrigin = frame.dataset.origin, connection = frame.dataset.connection, payURL = frame.dataset.pay;
  var dialog = document.getElementById("payment");
  var confirm = document.getElementById("pay-confirm"), cancel = document.getElementById("pay-cancel");
  var status = document.getElementById("pay-status");
  var pending = null;
  function reply(method, result, data) {
    frame.contentWindow.postMessage({fapi: "callback", method: method, result: result, data: data}, appOrigin);
  }
  function close(result, data) {
    var p = pending;
    pending = null;
    dialog.hidden = true;
    confirm.disabled = cancel.disabled = false;
    status.textContent = "";
    if (result === "ok" && p.callback !== "true") {
      window.location.reload(); // OK reloads the app after a purchase unless asked not to
      return;
    }
    reply("showPayment", result, data);
  }
  window.addEventListener("message", function (e) {
    var m = e.data;
    if (e.source !== frame.contentWindow || e.origin !== appOrigin || !m || m.apiconnection !== connection) return;
    if (m.fapi === "init") {
      frame.contentWindow.postMessage({fapi: "ready"}, appOrigin);
    } else if (m.fapi === "showPayment") {
      if (pending) { reply("showPayment", "error", null); return; }
      pending = m;
      document.getElementById("pay-name").textContent = m.name;
      document.getElementById("pay-description").textContent = m.description;
      document.getElementById("pay-price").textContent = String(m.price);
      dialog.hidden = false;
      confirm.focus();
    }
  });
  confirm.addEventListener("click", function () {
    var p = pending;
    if (!p) return;
    confirm.disabled = cancel.disabled = true;
    status.textContent = "Оплата…";
    fetch(payURL, {method: "POST", body: new URLSearchParams({apiconnection: connection, code: p.code, price: String(p.price), attributes: p.attributes})})
      .then(function (r) { return r.ok ? r.json() : {result: "error"}; })
      .then(function (a) { close(a.result === "ok" ? "ok" : "error", a.result === "ok" ? JSON.stringify({amount: p.price}) : null); },
            function () { close("error", null); });
  });
  cancel.addEventListener("click", function () { if (pending) close("error", null); });
})();
`
