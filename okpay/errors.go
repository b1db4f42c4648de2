package okpay

import (
	"errors"
	"fmt"
)

// ErrConfig is wrapped by every error [New] returns for a bad Config.
var ErrConfig = errors.New("okpay: invalid config")

// Error is an error answer to OK: the code OK receives in error_code and
// the Invocation-error header. The app's Credit function returns
// [ErrInvalidPayment] or [ErrTryLater] (wrapped with %w as it likes), or
// an *Error of its own with another of OK's codes.
type Error struct {
	Code int // OK's error code, such as 1001 (CALLBACK_INVALID_PAYMENT)
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("okpay: %s (OK.ru error %d)", e.Msg, e.Code)
}

// OK's error codes for a payment callback.
const (
	CodeUnknown        = 1    // UNKNOWN
	CodeService        = 2    // SERVICE: OK retries the call later
	CodeMethod         = 3    // METHOD: not callbacks.payment
	CodePermission     = 10   // PERMISSION_DENIED: not from OK's networks
	CodeAPIKey         = 101  // PARAM_API_KEY: application_key is not this app's
	CodeSignature      = 104  // PARAM_SIGNATURE: sig is missing or wrong
	CodeInvalidPayment = 1001 // CALLBACK_INVALID_PAYMENT: OK cancels the payment and refunds it
	CodeSystem         = 9999 // SYSTEM
)

// Errors the app's Credit function returns to tell OK what to do.
var (
	// ErrInvalidPayment says the payment cannot be credited, such as an
	// unknown product_code or an amount that is not its price: OK answers
	// with 1001, and OK cancels the payment and refunds the user.
	ErrInvalidPayment = &Error{Code: CodeInvalidPayment, Msg: "invalid payment"}

	// ErrTryLater says the app cannot credit the payment now, such as when
	// its database is down: OK answers with 2 and OK calls again (up to 3
	// tries, 5 s apart) before it gives up and refunds.
	ErrTryLater = &Error{Code: CodeService, Msg: "try later"}
)

// okMessages are OK's error_msg texts for each code.
var okMessages = map[int]string{
	CodeUnknown:        "UNKNOWN : Please try again later",
	CodeService:        "SERVICE : Service temporarily unavailable",
	CodeMethod:         "METHOD : Method does not exist",
	CodePermission:     "PERMISSION_DENIED : Request not from OK.ru's payment servers",
	CodeAPIKey:         "PARAM_API_KEY : Application key is invalid",
	CodeSignature:      "PARAM_SIGNATURE : Invalid signature",
	CodeInvalidPayment: "CALLBACK_INVALID_PAYMENT : Payment is invalid and can not be processed",
	CodeSystem:         "SYSTEM : Critical system error",
}
