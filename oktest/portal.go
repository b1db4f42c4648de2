package oktest

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"sync"
)

// Portal is the app the fake's stand-in for its page on ok.ru opens
// ([Server.PortalURL]), as an app registers it at OK.
type Portal struct {
	// AppLink is the app's App link, such as
	// https://app.example/auth/ok/app: the page frames it with a launch
	// signed as OK signs it.
	AppLink string
	// CallbackLink is the app's Callback link, such as
	// https://app.example/ok/payment: the purchase dialog delivers each
	// confirmed payment there, as [Server.DeliverPayment] does.
	CallbackLink string
}

// Where the fake serves its stand-ins for ok.ru's app page and OK's JS SDK.
const (
	// PortalPath + AppID is the app's page, as https://ok.ru/game/{app id}.
	PortalPath = "/game/"
	// FAPIPath is the stand-in for OK's JS SDK, fapi5.js, under the
	// launch's api_server (the fake's URL), as OK serves it under
	// https://api.ok.ru/. It has FAPI.Util.getRequestParameters, FAPI.init
	// and FAPI.UI.showPayment, and calls the page's global
	// API_callback(method, result, data) as OK's SDK does.
	FAPIPath = "/js/fapi5.js"
)

// maxLaunches bounds the launches the page remembers, to know whose
// apiconnection a purchase comes from.
const maxLaunches = 256

// portalState is what the page knows: the app it opens and the launches
// it made, by apiconnection.
type portalState struct {
	mu       sync.Mutex
	app      Portal
	launches map[string]string // apiconnection → uid
	order    []string
}

// SetPortal sets the app that [Server.PortalURL] opens.
func (s *Server) SetPortal(p Portal) {
	s.portal.mu.Lock()
	defer s.portal.mu.Unlock()
	s.portal.app = p
}

// PortalURL is the fake's stand-in for the app's page on ok.ru: it frames
// the App link set with [Server.SetPortal], launched for the user the
// dialog signs in ([Server.SetUser]) with the parameters OK sends
// ([Server.LaunchParams]), each load a new launch. The app's page inside
// loads OK's JS SDK from the launch's api_server (the fake serves a stand-in
// at [FAPIPath]); FAPI.UI.showPayment opens the page's purchase dialog,
// whose Pay delivers the payment to the Callback link as OK does and then
// answers API_callback("showPayment", "ok", '{"amount":price}'), and whose
// Cancel, or a payment the app refused, answers "error" with nothing
// delivered or credited. Without callback "true", a paid purchase reloads
// the app instead, as OK does.
func (s *Server) PortalURL() string { return s.URL + PortalPath + s.AppID }

func (s *Server) portalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+PortalPath+"{app}", s.portalPage)
	mux.Handle("POST "+PortalPath+"{app}/pay", http.NewCrossOriginProtection().Handler(http.HandlerFunc(s.portalPay)))
	mux.HandleFunc("GET "+FAPIPath, serveScript(fapiJS))
	mux.HandleFunc("GET "+portalJSPath, serveScript(portalJS))
}

// portalApp is the app the page opens, or an answer saying there is none.
func (s *Server) portalApp(w http.ResponseWriter, r *http.Request) (Portal, bool) {
	s.portal.mu.Lock()
	app := s.portal.app
	s.portal.mu.Unlock()
	if r.PathValue("app") != s.AppID || app.AppLink == "" {
		http.Error(w, "oktest: no such app; set one with Server.SetPortal", http.StatusNotFound)
		return app, false
	}
	return app, true
}

// portalPage is the app's page on ok.ru: a new launch in an iframe, and
// the purchase dialog, hidden.
func (s *Server) portalPage(w http.ResponseWriter, r *http.Request) {
	app, ok := s.portalApp(w, r)
	if !ok {
		return
	}
	link, err := url.Parse(app.AppLink)
	if err != nil || link.Host == "" {
		http.Error(w, "oktest: the App link is not an absolute URL", http.StatusInternalServerError)
		return
	}
	s.mu.Lock()
	u := s.user
	s.mu.Unlock()
	launch := s.LaunchParams(u)
	conn := launch.Get("apiconnection")
	s.remember(conn, u.UID)
	appOrigin := link.Scheme + "://" + link.Host
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin") // the App link sees OK's origin
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "+
		"img-src 'self' https: http:; frame-src "+appOrigin+"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	_ = portalTmpl.Execute(w, map[string]string{
		"Launch": launchURL(app.AppLink, launch), "AppOrigin": appOrigin, "Conn": conn,
		"Pay": PortalPath + s.AppID + "/pay", "User": u.Name, "Script": portalJSPath,
	})
}

// remember keeps whose launch conn is, forgetting the oldest past
// maxLaunches.
func (s *Server) remember(conn, uid string) {
	s.portal.mu.Lock()
	defer s.portal.mu.Unlock()
	if s.portal.launches == nil {
		s.portal.launches = map[string]string{}
	}
	if len(s.portal.order) >= maxLaunches {
		delete(s.portal.launches, s.portal.order[0])
		s.portal.order = s.portal.order[1:]
	}
	s.portal.launches[conn] = uid
	s.portal.order = append(s.portal.order, conn)
}

// portalPay is the dialog's Pay: it delivers the purchase the app asked
// for (code, price, attributes) by the user of the launch apiconnection
// names to the Callback link, and answers {"result":"ok"} when the app
// took it, {"result":"error"} otherwise.
func (s *Server) portalPay(w http.ResponseWriter, r *http.Request) {
	app, ok := s.portalApp(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "oktest: unreadable purchase", http.StatusBadRequest)
		return
	}
	s.portal.mu.Lock()
	uid, known := s.portal.launches[r.PostForm.Get("apiconnection")]
	s.portal.mu.Unlock()
	price, err := strconv.Atoi(r.PostForm.Get("price"))
	code := r.PostForm.Get("code")
	switch {
	case !known:
		http.Error(w, "oktest: no launch has this apiconnection", http.StatusBadRequest)
		return
	case err != nil || price <= 0 || code == "":
		http.Error(w, "oktest: showPayment needs a code and a price of at least 1 OK", http.StatusBadRequest)
		return
	case app.CallbackLink == "":
		writeJSON(w, map[string]string{"result": "error", "outcome": "no Callback link set"})
		return
	}
	d, err := s.DeliverPayment(r.Context(), app.CallbackLink, Payment{
		UID: uid, ProductCode: code, Amount: price, ExtraAttributes: r.PostForm.Get("attributes"),
	})
	result := "error"
	if err == nil && d.Outcome == Paid {
		result = "ok"
	}
	writeJSON(w, map[string]string{"result": result, "outcome": d.Outcome.String()})
}

func serveScript(js string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write([]byte(js))
	}
}

var portalTmpl = template.Must(template.New("portal").Parse(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Игра — OK.ru (тестовый)</title>
<style>
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f0f0f0;color:#222}
header{background:#ee8208;color:#111;padding:.6em 1em;display:flex;justify-content:space-between;font-weight:600}
main{display:flex;justify-content:center;padding:1em}
iframe{border:0;background:#fff;width:min(760px,100%);height:620px;box-shadow:0 1px 4px #0003}
#payment{position:fixed;inset:0;background:#0008;display:flex;align-items:center;justify-content:center}
#payment[hidden]{display:none}
#payment>div{background:#fff;border-radius:10px;padding:1.5em;min-width:18em;max-width:26em}
#payment h2{margin:0 0 .5em;font-size:1.2em}
button{font:inherit;font-weight:600;padding:.5em 1.2em;border-radius:8px;border:2px solid #ee8208;background:#fff;color:#111;cursor:pointer;min-height:44px;margin-right:.5em}
#pay-confirm{background:#ee8208}
.note{color:#595959;font-size:.85em}
</style></head>
<body><header><span>OK.ru · тестовая страница приложения</span><span id="player">{{.User}}</span></header>
<main><iframe id="app" title="Приложение" src="{{.Launch}}" data-origin="{{.AppOrigin}}" data-connection="{{.Conn}}" data-pay="{{.Pay}}"></iframe></main>
<div id="payment" hidden><div role="dialog" aria-modal="true" aria-labelledby="pay-title">
<h2 id="pay-title">Покупка в приложении</h2>
<p><b id="pay-name"></b></p><p id="pay-description"></p>
<p>Цена: <b id="pay-price"></b>&nbsp;ОК</p>
<p><button id="pay-confirm" type="button">Оплатить</button><button id="pay-cancel" type="button">Отмена</button></p>
<p class="note" id="pay-status" role="status"></p>
<p class="note">Тестовая оплата: деньги не списываются.</p>
</div></div>
<script src="{{.Script}}"></script>
</body></html>
`))
