package okpay

import "time"

// SetRefusalLogInterval makes h summarise its left-out refusal records
// every d instead of every minute. Call it before h serves a request.
func SetRefusalLogInterval(h *Handler, d time.Duration) { h.refusals.Interval = d }
