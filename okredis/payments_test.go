package okredis

import (
	"context"
	"testing"
	"time"

	"github.com/okauth/okauth/okpay"
	"github.com/okauth/okauth/okredis/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var _ okpay.Store = (*PaymentStore)(nil)

// TestPaymentStoreContract: the Claim / MarkCredited / Release contract of
// okpay.Store, across two instances.
func TestPaymentStoreContract(t *testing.T) {
	srv := redistest.Start(t)
	a := open(t, srv, Options{}).Payments(200*time.Millisecond, time.Hour)
	b := open(t, srv, Options{}).Payments(200*time.Millisecond, time.Hour)
	ctx := context.Background()
	claim := func(s *PaymentStore, id string) okpay.Claim {
		c, err := s.Claim(ctx, id)
		require.NoError(t, err)
		return c
	}
	assert.Equal(t, okpay.Claimed, claim(a, "t1"))
	assert.Equal(t, okpay.Busy, claim(b, "t1"), "held by A")
	require.NoError(t, a.MarkCredited(ctx, "t1"))
	assert.Equal(t, okpay.AlreadyCredited, claim(b, "t1"))
	require.NoError(t, b.Release(ctx, "t1"))
	assert.Equal(t, okpay.AlreadyCredited, claim(a, "t1"), "Release never forgets a credited one")

	assert.Equal(t, okpay.Claimed, claim(a, "t2"))
	require.NoError(t, a.Release(ctx, "t2"))
	assert.Equal(t, okpay.Claimed, claim(b, "t2"), "released: claimable again")

	assert.Equal(t, okpay.Claimed, claim(a, "t3"))
	require.Eventually(t, func() bool { return claim(b, "t3") == okpay.Claimed }, 2*time.Second, 20*time.Millisecond,
		"a claim whose instance died is freed after its lease")
}
