package exampleapp

import (
	"github.com/okauth/okauth/okpay"
)

func okpayPayment(product string, amount int, currency string) okpay.Payment {
	return okpay.Payment{UID: "7", TransactionID: "1", ProductCode: product, Amount: amount, Currency: currency}
}
