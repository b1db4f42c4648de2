package exampleapp

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/okauth/okauth"
)

// OKSDK is where an app inside ok.ru loads OK's JS SDK from.
const OKSDK = "https://api.ok.ru/js/fapi5.js"

// GamePath is the example's page inside ok.ru's iframe: the App link's
// landing page.
const GamePath = "/game"

// game is the example's page inside ok.ru: the player's card with their
// coins and a Buy button that opens OK's purchase dialog through OK's JS
// SDK, loaded from sdk.
type game struct {
	site Site
	sdk  string
}

// withGame mounts the page inside ok.ru beside app's routes: GET /game
// (the App link's landing page, framed only by OK's pages), GET /game.js
// (its script) and GET /game/balance (the player's coins, for the script
// after a purchase). The page loads OK's JS SDK from sdk, a fixed URL: not
// from the query's api_server, which anyone can set when they open the
// page, so no query decides which script runs on it.
func withGame(app http.Handler, auth *okauth.Auth, site Site, sdk string) http.Handler {
	g := game{site: site, sdk: sdk}
	mux := http.NewServeMux()
	mux.Handle("GET "+GamePath, auth.Middleware(auth.Frameable(auth.RequireLogin(http.HandlerFunc(g.page)))))
	mux.Handle("GET "+GamePath+"/balance", auth.Middleware(auth.RequireLogin(http.HandlerFunc(g.balance))))
	mux.HandleFunc("GET /game.js", g.script)
	mux.Handle("/", app)
	return mux
}

// page is the game: the player, their coins and Buy.
func (g game) page(w http.ResponseWriter, r *http.Request) {
	user, _ := okauth.UserFrom(r.Context())
	data := g.site.page(r, "game")
	data.User, data.Lines, data.SDK, data.Framed = &user, g.site.cardLines(r, user), g.sdk, true
	data.Product = Product{Code: ProductCode, Price: ProductPrice}
	sdk, err := url.Parse(g.sdk)
	if err != nil {
		http.Error(w, "500 bad SDK URL", http.StatusInternalServerError)
		return
	}
	// The example's policy, with OK's SDK allowed to run and the page's
	// script to ask for the balance; Frameable sets frame-ancestors.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self' "+sdk.Scheme+"://"+sdk.Host+
		"; connect-src 'self'; img-src https: http:; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	g.site.render(w, r, "game.html", data)
}

// Product is what the game's Buy button sells, as FAPI.UI.showPayment
// takes it.
type Product struct {
	Code  string
	Price int
}

// balance answers {"coins": N}, the player's coins.
func (g game) balance(w http.ResponseWriter, r *http.Request) {
	user, _ := okauth.UserFrom(r.Context())
	coins := BalanceOf(r.Context(), user.UID)
	if coins == nil {
		http.Error(w, "no shop", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"coins": strconv.Itoa(*coins)})
}

// script is /game.js, the page's script: a file, so that the page's
// policy allows no inline script.
func (game) script(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(gameJS))
}

// gameJS is the game's script, as a game inside ok.ru writes it against
// OK's JS SDK: FAPI.init from the page's query (the launch's parameters
// the App link carried), FAPI.UI.showPayment on Buy, and API_callback,
// which OK's SDK calls when the dialog closes; after a purchase OK has
// delivered to the Callback link, it shows the new balance.
const gameJS = `(function () {
  "use strict";
  var buy = document.getElementById("buy"), status = document.getElementById("status");
  var balance = document.getElementById("balance");
  if (!window.FAPI) { status.textContent = buy.dataset.nosdk; return; }
  window.API_callback = function (method, result, data) {
    if (method !== "showPayment") return;
    buy.disabled = false;
    status.textContent = result === "ok" ? buy.dataset.bought : buy.dataset.notbought;
    if (result === "ok") {
      fetch("/game/balance").then(function (r) { return r.json(); })
        .then(function (b) { balance.textContent = b.coins; });
    }
  };
  var p = FAPI.Util.getRequestParameters();
  FAPI.init(p.api_server, p.apiconnection, function () {
    buy.disabled = false;
    buy.addEventListener("click", function () {
      buy.disabled = true;
      status.textContent = "";
      // name, description, code, price, options, attributes, currency, callback: "true"
      // has OK call API_callback instead of reloading the app.
      FAPI.UI.showPayment(buy.dataset.name, buy.dataset.description, buy.dataset.code,
        Number(buy.dataset.price), null, null, "ok", "true");
    });
  }, function () { status.textContent = buy.dataset.nosdk; });
})();
`
