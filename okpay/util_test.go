package okpay_test

import (
	"fmt"
	"log/slog"
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

var discard = slog.New(slog.DiscardHandler)
