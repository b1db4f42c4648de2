package okauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"
)

// Token is an access token [Auth.Call] got by refreshing, as a
// [TokenStore] keeps it.
type Token struct {
	AccessToken Secret
	Expires     time.Time
}

// TokenStore keeps the access tokens that [Auth.Call] gets with a user's
// refresh token (code flow), so that the next calls reuse them: a session
// cookie cannot be rewritten from inside a call. Keys are derived from the
// refresh token (a hash; the refresh token itself never reaches the store).
// A store shared by several instances of an app lets them reuse each
// other's refreshes. Implementations must be safe for concurrent use.
type TokenStore interface {
	// Get returns the token stored under key and whether there is one.
	Get(ctx context.Context, key string) (Token, bool, error)
	// Put stores t under key. It may forget it any time after t.Expires.
	Put(ctx context.Context, key string, t Token) error
}

// TokenLocker is an optional interface of a [TokenStore] shared by several
// instances. When the store has it, a refresh takes the lock of the token's
// key first and reads the store again once it holds it: of instances that
// need the same token at once, one refreshes it and the others use what it
// stored. Without it each instance refreshes on its own (in one process
// only one call refreshes at a time either way).
type TokenLocker interface {
	// LockToken takes the lock of key, waiting for it until ctx ends, and
	// holds it for at most ttl unless unlock releases it sooner. An error
	// means it could not: the refresh then goes ahead without the lock,
	// since a second refresh costs only a call to OK.
	LockToken(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error)
}

// refreshEarly is how long before its expiry a token is refreshed, so that
// it does not expire between the check and OK reading it.
const refreshEarly = 10 * time.Second

// tokenSource hands out live access tokens for users with a refresh token,
// refreshing at most once at a time per refresh token in this process:
// callers that arrive while a refresh is under way wait for its result.
type tokenSource struct {
	store    TokenStore
	endpoint *tokenEndpoint
	timeout  time.Duration
	logger   *slog.Logger
	now      func() time.Time
	// codec, if set, seals the access tokens handed to the store, bound
	// to their key, so that a shared store holds no usable token.
	codec *cookieCodec

	mu      sync.Mutex
	flights map[string]*refreshFlight
}

type refreshFlight struct {
	done  chan struct{}
	tok   Token
	fresh bool // refreshed by this flight, not read from the store
	err   error
}

// tokenKey is the store key of a refresh token.
func tokenKey(refresh Secret) string {
	sum := sha256.Sum256([]byte("okauth refresh token\x00" + refresh.Reveal()))
	return hex.EncodeToString(sum[:16])
}

// token returns a live access token for u, which has a refresh token, and
// whether this call refreshed it. stale, if not empty, is a token OK just
// refused: it is not returned again.
func (s *tokenSource) token(ctx context.Context, u *User, stale Secret) (Secret, bool, error) {
	now := s.now()
	if stale == "" && now.Add(refreshEarly).Before(u.TokenExpires) {
		return u.AccessToken, false, nil
	}
	key := tokenKey(u.RefreshToken)
	if t, ok := s.stored(ctx, key, stale, now); ok {
		return t.AccessToken, false, nil
	}
	s.mu.Lock()
	f, running := s.flights[key]
	if !running {
		// Look again: a refresh may have finished since the look above.
		if t, ok := s.stored(ctx, key, stale, now); ok {
			s.mu.Unlock()
			return t.AccessToken, false, nil
		}
		f = &refreshFlight{done: make(chan struct{})}
		if s.flights == nil {
			s.flights = map[string]*refreshFlight{}
		}
		s.flights[key] = f
	}
	s.mu.Unlock()
	if running {
		select {
		case <-f.done:
			return f.tok.AccessToken, false, f.err
		case <-ctx.Done():
			return "", false, ctx.Err()
		}
	}
	f.tok, f.fresh, f.err = s.refreshLocked(ctx, key, u.RefreshToken, stale)
	s.mu.Lock()
	delete(s.flights, key)
	s.mu.Unlock()
	close(f.done)
	return f.tok.AccessToken, f.fresh, f.err
}

// refreshLocked refreshes under the store's lock of key when the store is
// a [TokenLocker]: once it holds the lock it reads the store again, as
// another instance may have refreshed meanwhile. It reports whether it
// refreshed.
func (s *tokenSource) refreshLocked(ctx context.Context, key string, refresh, stale Secret) (Token, bool, error) {
	if locker, ok := s.store.(TokenLocker); ok {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
		unlock, err := locker.LockToken(lctx, key, s.timeout)
		cancel()
		if err != nil {
			s.logger.WarnContext(ctx, "okauth: token store lock failed; refreshing without it", "error", err)
		} else {
			defer unlock()
			if t, ok := s.stored(ctx, key, stale, s.now()); ok {
				return t, false, nil
			}
		}
	}
	t, err := s.refresh(ctx, key, refresh)
	return t, err == nil, err
}

// stored returns the store's live token under key unless it is stale.
func (s *tokenSource) stored(ctx context.Context, key string, stale Secret, now time.Time) (Token, bool) {
	t, ok, err := s.store.Get(ctx, key)
	if err != nil {
		s.logger.WarnContext(ctx, "okauth: token store read failed", "error", err)
		return Token{}, false
	}
	if ok && s.codec != nil {
		plain, err := s.codec.decode(namePipe(tokenSealName+key), t.AccessToken.Reveal(), nil)
		if err != nil {
			return Token{}, false // sealed with keys no longer configured, or not by okauth
		}
		t.AccessToken = Secret(plain)
	}
	return t, ok && t.AccessToken != stale && t.AccessToken != "" && now.Add(refreshEarly).Before(t.Expires)
}

// refresh gets a new token at OK's token endpoint and stores it. It
// outlives the caller's cancellation, since other callers wait for it.
func (s *tokenSource) refresh(ctx context.Context, key string, refresh Secret) (Token, error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	defer cancel()
	ans, err := s.endpoint.refresh(rctx, refresh.Reveal(), s.now())
	if err != nil {
		return Token{}, err
	}
	t := Token{AccessToken: ans.AccessToken, Expires: ans.Expires}
	kept := t
	if s.codec != nil {
		sealed, err := s.codec.encode(tokenSealName+key, []byte(t.AccessToken.Reveal()))
		if err != nil {
			return t, nil // not kept: the next expiry refreshes again
		}
		kept.AccessToken = Secret(sealed)
	}
	if err := s.store.Put(rctx, key, kept); err != nil {
		s.logger.WarnContext(ctx, "okauth: token store write failed", "error", err)
	}
	return t, nil
}

// tokenSealName, then the key, is what a stored access token is sealed
// for: a token sealed for one refresh token does not open as another's.
const tokenSealName = "okauth token "

// memoryTokens is the default TokenStore: a map in this process, of at
// most maxMemoryTokens entries. When full, expired entries go first, then
// arbitrary ones; a forgotten token only costs a refresh.
type memoryTokens struct {
	now func() time.Time

	mu sync.Mutex
	m  map[string]Token
}

const maxMemoryTokens = 10_000

// Get implements TokenStore.
func (m *memoryTokens) Get(_ context.Context, key string) (Token, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.m[key]
	return t, ok, nil
}

// Put implements TokenStore.
func (m *memoryTokens) Put(_ context.Context, key string, t Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]Token{}
	}
	if _, ok := m.m[key]; !ok && len(m.m) >= maxMemoryTokens {
		now := m.now()
		for k, old := range m.m {
			if !now.Before(old.Expires) || len(m.m) >= maxMemoryTokens {
				delete(m.m, k)
			}
			if len(m.m) < maxMemoryTokens/2 {
				break
			}
		}
	}
	m.m[key] = t
	return nil
}
