package oktest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/okauth/okauth"
)

// errorNames are OK's names for the error codes the fake answers with.
var errorNames = map[int]string{
	1: "UNKNOWN : Unknown error", 2: "SERVICE : Service temporarily unavailable",
	3: "METHOD : Method does not exist", 10: "PERMISSION_DENIED : Permission denied",
	100: "PARAM : Missing required parameter", 101: "PARAM_API_KEY : Application key is invalid",
	102: "PARAM_SESSION_EXPIRED : Session expired", 103: "PARAM_SESSION_KEY : Invalid session key",
	104: "PARAM_SIGNATURE : Invalid signature", 453: "SESSION_REQUIRED : Session is required for this method",
	9999: "SYSTEM : Critical system error",
}

func apiErr(code int) *okauth.APIError {
	msg, ok := errorNames[code]
	if !ok {
		msg = "UNKNOWN : Error"
	}
	return &okauth.APIError{Code: code, Msg: msg}
}

// api is the fake fb.do: it checks the application key, the token and the
// signature as OK does, then answers the method.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	s.apiCalls.Add(1)
	s.mu.Lock()
	fault, forced := s.fault, s.apiErrCode
	s.mu.Unlock()
	if s.faulted(w, r, fault) {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, errorBody(apiErr(100)))
		return
	}
	params := map[string]string{}
	for k, v := range r.Form {
		params[k] = v[0]
	}
	out, err := s.call(r, params, forced, fault)
	if err != nil {
		var ae *okauth.APIError
		if !errors.As(err, &ae) {
			ae = apiErr(1)
		}
		writeJSON(w, errorBody(ae))
		return
	}
	writeJSON(w, out)
}

func (s *Server) call(r *http.Request, params map[string]string, forced int, fault Fault) (any, error) {
	appKey := params["application_key"]
	appSecret, ok := s.appSecret(appKey)
	if !ok {
		return nil, apiErr(101)
	}
	if params["method"] == "" {
		return nil, apiErr(100)
	}
	if params["access_token"] == "" && params["session_key"] == "" {
		return s.appCall(params, appSecret, forced)
	}
	// A call with session_key (the App link's session) is signed with the
	// session secret over every parameter, session_key included.
	bySessionKey := params["access_token"] == ""
	key := params["access_token"]
	if bySessionKey {
		key = params["session_key"]
	}
	s.mu.Lock()
	tok, known := s.tokens[key]
	var t Token
	if known {
		t = *tok
	}
	handler := s.methods[params["method"]]
	s.mu.Unlock()
	if !known || time.Now().After(t.Expires) {
		return nil, apiErr(102)
	}
	if t.AppKey != appKey {
		// A token works only for the app it was issued to.
		return nil, apiErr(103)
	}
	values := make(map[string][]string, len(params))
	for k, v := range params {
		values[k] = []string{v}
	}
	sig := params["sig"]
	bySession := t.SessionSecret != "" && sig == okauth.Sign(values, t.SessionSecret)
	if !bySession && (bySessionKey || sig != okauth.Sign(values, okauth.ServerSecret(t.AccessToken, appSecret))) {
		return nil, apiErr(104)
	}
	if forced != 0 {
		return nil, apiErr(forced)
	}
	switch {
	case handler != nil:
		return handler(&t, params)
	case params["method"] == "users.getCurrentUser":
		t.User.Picture = pictureURL(r, t.User.Picture)
		if t.User.Picture == "" && params["emptyPictures"] != "true" {
			t.User.Picture = StubPicture
		}
		return currentUser(&t, params["fields"], fault == FaultNoUID), nil
	case params["method"] == "friends.get":
		return []string{}, nil
	case params["method"] == "users.hasAppPermission":
		if params["ext_perm"] == "" {
			return nil, apiErr(100)
		}
		return slices.Contains(t.Permissions, params["ext_perm"]), nil
	}
	return nil, apiErr(3)
}

// currentUser answers users.getCurrentUser with the fields asked for (all
// when none are named); email only with GET_EMAIL.
func currentUser(t *Token, fields string, noUID bool) map[string]any {
	all := map[string]any{
		"uid": t.User.UID, "name": t.User.Name, "first_name": t.User.FirstName,
		"last_name": t.User.LastName,
	}
	for _, f := range pictureFields {
		all[f] = t.User.Picture
	}
	for k, v := range t.User.Extra {
		all[k] = v
	}
	for _, p := range t.Permissions {
		if p == okauth.ScopeGetEmail && t.User.Email != "" {
			all["email"] = t.User.Email
		}
	}
	out := all
	if fields != "" {
		out = map[string]any{}
		for _, f := range strings.Split(strings.ToLower(fields), ",") {
			if v, ok := all[strings.TrimSpace(f)]; ok {
				out[strings.TrimSpace(f)] = v
			}
		}
	}
	if noUID {
		delete(out, "uid")
	}
	return out
}

func errorBody(e *okauth.APIError) map[string]any {
	return map[string]any{"error_code": e.Code, "error_msg": e.Msg, "error_data": nil}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// faulted shows fault, if any, and reports whether it answered.
func (s *Server) faulted(w http.ResponseWriter, r *http.Request, fault Fault) bool {
	switch fault {
	case FaultHTTP500:
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	case FaultHTTP503:
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
	case FaultHTML:
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><html><body><h1>Технические работы</h1></body></html>"))
	case FaultTruncated:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"uid":"574385021466","name":"Иван Пет`))
	case FaultHang:
		// With the body read, the server notices the client hanging up and
		// ends r's context; unread, the handler would hold Close for a minute.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	case FaultReset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
	default:
		return false
	}
	return true
}
