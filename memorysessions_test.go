package okauth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemorySessions(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	m := NewMemorySessions().(*memorySessions)
	m.now = func() time.Time { return now }

	require.NoError(t, m.Save(ctx, "a", "1", []byte("A"), now.Add(time.Hour)))
	require.NoError(t, m.Save(ctx, "b", "1", []byte("B"), now.Add(time.Hour)))
	require.NoError(t, m.Save(ctx, "c", "2", []byte("C"), now.Add(time.Minute)))
	data, err := m.Load(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "A", string(data))

	require.NoError(t, m.Delete(ctx, "a"))
	_, err = m.Load(ctx, "a")
	assert.ErrorIs(t, err, ErrNoSession, "deleted")
	require.NoError(t, m.Delete(ctx, "a"), "deleting twice is no error")

	require.NoError(t, m.DeleteUser(ctx, "1"))
	_, err = m.Load(ctx, "b")
	assert.ErrorIs(t, err, ErrNoSession, "the user's other session")
	_, err = m.Load(ctx, "c")
	assert.NoError(t, err, "another user's session stays")

	now = now.Add(time.Minute)
	_, err = m.Load(ctx, "c")
	assert.ErrorIs(t, err, ErrNoSession, "expired")
}

// Expired sessions are dropped as new ones come: the store stays about
// as large as its live sessions, however many have come and gone.
func TestMemorySessionsBounded(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	m := NewMemorySessions().(*memorySessions)
	m.now = func() time.Time { return now }
	for i := range 100_000 {
		require.NoError(t, m.Save(ctx, fmt.Sprint(i), fmt.Sprint(i%50), nil, now.Add(time.Second)))
		if i%100 == 99 {
			now = now.Add(time.Second) // 100 live at a time
		}
	}
	assert.LessOrEqual(t, len(m.byID), 2*minSweep+100)
	assert.LessOrEqual(t, len(m.byUID), 50)
}
