package oktest

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/okauth/okauth/internal/acceptlang"
)

// consentWords are the consent page's words in one language.
type consentWords struct {
	Lang, Title, Heading, AppBefore, AppAfter, Permissions, Allow, Deny, Note string
}

// consentLanguages are the consent page's languages, English first (it is
// the default).
var consentLanguages = []consentWords{
	{
		Lang: "en", Title: "Allow access? · OK.ru (oktest)", Heading: "Allow access?",
		AppBefore: "The app", AppAfter: "asks to sign you in with your OK.ru account.",
		Permissions: "Permissions:", Allow: "Allow", Deny: "Deny",
		Note: "This is oktest, a fake OK.ru for development and tests: nothing leaves this computer.",
	},
	{
		Lang: "ru", Title: "Разрешить доступ? · OK.ru (oktest)", Heading: "Разрешить доступ?",
		AppBefore: "Приложение", AppAfter: "просит разрешения на вход через ваш аккаунт OK.ru.",
		Permissions: "Права доступа:", Allow: "Разрешить", Deny: "Отказать",
		Note: "Это oktest\u00a0— поддельный OK.ru для разработки и тестов: ничего не уходит с этого компьютера.",
	},
}

// consentCSS is the consent page's style, OK's orange with dark text.
const consentCSS = `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f6f6;color:#222;margin:0;padding:0 1em}` +
	`main{max-width:28em;margin:8vh auto;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002;overflow:hidden}` +
	`header{background:#ee8208;color:#111;padding:.8em 1.5em;font-weight:700}section{padding:1.5em}h1{font-size:1.3em;margin:0 0 .8em}` +
	`.who{display:flex;gap:.8em;align-items:center;margin-bottom:1em}.who img{width:48px;height:48px;border-radius:50%}` +
	`.actions{display:flex;flex-wrap:wrap;gap:.8em;margin-top:1.5em}` +
	`button{font:inherit;font-weight:600;min-height:44px;padding:.55em 1.4em;border-radius:8px;border:2px solid #ee8208;cursor:pointer;background:#fff;color:#111}` +
	`button#allow{background:#ee8208}button:focus-visible{outline:3px solid #111;outline-offset:3px}` +
	`.note{color:#6b6b6b;font-size:.85em;margin-top:1.5em}`

var consentTmpl = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="{{.W.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.W.Title}}</title><style>{{.CSS}}</style></head>
<body><main><header>OK.ru</header><section>
<h1>{{.W.Heading}}</h1>
<div class="who">{{if .Picture}}<img src="{{.Picture}}" alt="">{{end}}<b id="user">{{.User}}</b></div>
<p>{{.W.AppBefore}} <b>{{.App}}</b> {{.W.AppAfter}}</p>
{{if .Scope}}<p>{{.W.Permissions}} <code>{{.Scope}}</code></p>{{end}}
<form method="get" action="{{.Action}}">{{range $k, $v := .Query}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<div class="actions"><button id="allow" type="submit" name="decision" value="allow">{{.W.Allow}}</button>
<button id="deny" type="submit" name="decision" value="deny">{{.W.Deny}}</button></div></form>
<p class="note">{{.W.Note}}</p>
</section></main></body></html>`))

// consentPage is the fake dialog's Allow / Deny page, in the language the
// browser prefers (Russian or English). Each button submits the dialog's
// query again with decision=allow or decision=deny.
func consentPage(w http.ResponseWriter, r *http.Request, q url.Values, user User) {
	words := consentLanguages[0]
	tags := make([]string, len(consentLanguages))
	for i, l := range consentLanguages {
		tags[i] = l.Lang
	}
	if tag := acceptlang.Prefer(r.Header.Get("Accept-Language"), tags...); tag != "" {
		for _, l := range consentLanguages {
			if l.Lang == tag {
				words = l
			}
		}
	}
	query := map[string]string{}
	for k, vs := range q {
		if k != "decision" && len(vs) > 0 {
			query[k] = vs[0]
		}
	}
	var buf bytes.Buffer
	err := consentTmpl.Execute(&buf, map[string]any{
		"W": words, "CSS": template.CSS(consentCSS), "App": q.Get("client_id"), "User": user.Name,
		"Picture": pictureURL(r, user.Picture), "Scope": strings.ReplaceAll(q.Get("scope"), ";", ", "),
		"Action": r.URL.Path, "Query": query,
	})
	if err != nil {
		http.Error(w, "oktest: consent page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}
