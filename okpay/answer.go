package okpay

import (
	"net/http"
	"strconv"
)

// The answers OK expects, byte for byte as in OK's documentation.
const (
	xmlHeader  = `<?xml version="1.0" encoding="UTF-8"?>`
	successXML = xmlHeader + `<callbacks_payment_response xmlns="http://api.forticom.com/1.0/">true</callbacks_payment_response>`
)

// answerTrue tells OK the payment is credited.
func answerTrue(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(successXML))
}

// answerError tells OK the call failed with code, in the Invocation-error
// header and the error_response XML. Only OK's own message for the code
// is sent, never the app's error text.
func answerError(w http.ResponseWriter, status, code int) {
	msg, ok := okMessages[code]
	if !ok {
		msg = okMessages[CodeUnknown]
	}
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h["Invocation-error"] = []string{strconv.Itoa(code)} // OK's spelling, not canonicalized
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xmlHeader + `<ns2:error_response xmlns:ns2="http://api.forticom.com/1.0/"><error_code>` +
		strconv.Itoa(code) + `</error_code><error_msg>` + msg + `</error_msg></ns2:error_response>`))
}
