package credserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// issuer is a fake Fetch: the n-th call returns AKID n, valid for ttl from
// the clock's now, unless fail is set; when gate is non-nil each call
// waits for a value from it.
type issuer struct {
	clock *testkit.Clock
	ttl   time.Duration

	mu    sync.Mutex
	n     int
	fail  error
	gate  chan struct{}
	calls chan int // receives the call number as each call starts, if non-nil
}

func (is *issuer) fetch(ctx context.Context) (creds.Credentials, error) {
	is.mu.Lock()
	is.n++
	n, gate, calls := is.n, is.gate, is.calls
	is.mu.Unlock()
	if calls != nil {
		calls <- n
	}
	if gate != nil {
		<-gate
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	if is.fail != nil {
		return creds.Credentials{}, is.fail
	}
	return creds.Credentials{
		AccessKeyID:     fmt.Sprintf("ASIAKEY%013d", n),
		SecretAccessKey: fmt.Sprintf("secret/%d+%s", n, strings.Repeat("x", 30)),
		SessionToken:    fmt.Sprintf("token%d", n),
		Expiration:      is.clock.Now().Add(is.ttl),
		AccountID:       "123456789012",
	}, nil
}

func (is *issuer) setFail(err error) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.fail = err
}

func newTestRefresher(t *testing.T, ttl, window time.Duration) (*Refresher, *issuer, *testkit.Clock, *testkit.Recorder) {
	t.Helper()
	c := testkit.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	is := &issuer{clock: c, ttl: ttl}
	var warn testkit.Recorder
	r := NewRefresher(Options{Fetch: is.fetch, RefreshWindow: window, Now: c.Now, Warnf: warn.Warnf,
		RetryDelay: 10 * time.Second, MaxRetryDelay: 40 * time.Second})
	return r, is, c, &warn
}

// settle waits until no Fetch runs.
func settle(t *testing.T, r *Refresher) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		idle := r.inflight == nil
		r.mu.Unlock()
		if idle {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a fetch is still running after 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

func mustGet(t *testing.T, r *Refresher) creds.Credentials {
	t.Helper()
	c, err := r.Get(context.Background())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return c
}

func TestRefresherServesUntilDueThenRenews(t *testing.T) {
	r, is, clk, _ := newTestRefresher(t, time.Hour, 15*time.Minute)
	if err := r.Prime(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := mustGet(t, r)
	if first.AccessKeyID != "ASIAKEY0000000000001" {
		t.Fatalf("first credentials %s", first.AccessKeyID)
	}
	clk.Advance(44 * time.Minute) // 16 minutes left: not due
	if c := mustGet(t, r); c.AccessKeyID != first.AccessKeyID || r.Fetches() != 1 {
		t.Fatalf("before the window: got %s after %d fetches, want the first and 1", c.AccessKeyID, r.Fetches())
	}
	clk.Advance(2 * time.Minute) // 14 minutes left: due, still valid
	is.mu.Lock()
	is.gate = make(chan struct{})
	gate := is.gate
	is.mu.Unlock()
	// While the exchange runs, the still-valid credentials are served at once.
	if c := mustGet(t, r); c.AccessKeyID != first.AccessKeyID {
		t.Fatalf("during the refresh: got %s, want the current %s", c.AccessKeyID, first.AccessKeyID)
	}
	if c := mustGet(t, r); c.AccessKeyID != first.AccessKeyID {
		t.Fatalf("during the refresh: got %s", c.AccessKeyID)
	}
	close(gate)
	settle(t, r)
	second := mustGet(t, r)
	if second.AccessKeyID == first.AccessKeyID || !second.Expiration.After(clk.Now()) {
		t.Fatalf("after the refresh: got %s expiring %s", second.AccessKeyID, second.Expiration)
	}
	if n := r.Fetches(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

func TestRefresherWindowCappedAtHalfTheLifetime(t *testing.T) {
	r, _, clk, _ := newTestRefresher(t, 10*time.Minute, 15*time.Minute)
	if err := r.Prime(context.Background()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(4 * time.Minute)
	mustGet(t, r)
	settle(t, r)
	if n := r.Fetches(); n != 1 {
		t.Fatalf("credentials valid 10m were exchanged again after 4m (%d fetches): the window must be capped at 5m", n)
	}
	clk.Advance(2 * time.Minute)
	mustGet(t, r)
	settle(t, r)
	if n := r.Fetches(); n != 2 {
		t.Fatalf("%d fetches after 6 of 10 minutes, want 2", n)
	}
}

func TestRefresherConcurrentGetsShareOneFetch(t *testing.T) {
	r, is, _, _ := newTestRefresher(t, time.Hour, 15*time.Minute)
	is.gate = make(chan struct{})
	is.calls = make(chan int, 100)
	const n = 20
	var wg sync.WaitGroup
	got := make([]creds.Credentials, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = r.Get(context.Background())
		}()
	}
	<-is.calls // the one fetch started; let every Get reach it
	time.Sleep(20 * time.Millisecond)
	close(is.gate)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Get %d: %v", i, errs[i])
		}
		if got[i].AccessKeyID != got[0].AccessKeyID {
			t.Fatalf("Get %d got %s, Get 0 got %s", i, got[i].AccessKeyID, got[0].AccessKeyID)
		}
	}
	if f := r.Fetches(); f != 1 {
		t.Fatalf("%d concurrent Gets made %d fetches, want 1", n, f)
	}
}

func TestRefresherFailureServesOldThenRefusesThenRecovers(t *testing.T) {
	r, is, clk, warn := newTestRefresher(t, time.Hour, 15*time.Minute)
	if err := r.Prime(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := mustGet(t, r)
	is.setFail(&creds.Error{Kind: creds.KindToken, Msg: "the token expired at 2030-01-02T04:00:00Z; get a fresh token"})
	clk.Advance(50 * time.Minute) // due
	if c := mustGet(t, r); c.AccessKeyID != first.AccessKeyID {
		t.Fatalf("got %s", c.AccessKeyID)
	}
	settle(t, r)
	if !strings.Contains(warn.String(), "could not refresh the credentials (serving the current ones, valid until 2030-01-02T04:04:05Z; next attempt in 10s): the token expired") {
		t.Fatalf("warning: %q", warn.String())
	}
	// Within the retry delay, Gets do not call Fetch again.
	for range 5 {
		if c := mustGet(t, r); c.AccessKeyID != first.AccessKeyID {
			t.Fatalf("got %s", c.AccessKeyID)
		}
	}
	settle(t, r)
	if n := r.Fetches(); n != 2 {
		t.Fatalf("%d fetches, want 2 (no retry before the delay)", n)
	}
	clk.Advance(11 * time.Second) // retry: fails again, delay doubles
	mustGet(t, r)
	settle(t, r)
	if n := r.Fetches(); n != 3 || !strings.Contains(warn.String(), "next attempt in 20s") {
		t.Fatalf("%d fetches, warnings %q", n, warn.String())
	}
	clk.Advance(15 * time.Minute) // expired; retry delay not yet over
	_, err := r.Get(context.Background())
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "the credentials expired at 2030-01-02T04:04:05Z; the last exchange failed: the token expired") {
		t.Fatalf("Get after expiry: %v", err)
	}
	if strings.Contains(err.Error(), first.SecretAccessKey) || strings.Contains(err.Error(), first.SessionToken) {
		t.Fatal("the error holds a secret")
	}
	settle(t, r)
	if n := r.Fetches(); n != 4 {
		t.Fatalf("%d fetches, want 4 (the retry delay had passed)", n)
	}
	is.setFail(nil)
	clk.Advance(time.Minute)
	c := mustGet(t, r) // no valid credentials: waits for the exchange
	if c.AccessKeyID == first.AccessKeyID || !c.Expiration.After(clk.Now()) {
		t.Fatalf("after recovery: %s expiring %s", c.AccessKeyID, c.Expiration)
	}
}

func TestRefresherPrimeError(t *testing.T) {
	r, is, _, _ := newTestRefresher(t, time.Hour, 15*time.Minute)
	want := &creds.Error{Kind: creds.KindRefused, Msg: "refused"}
	is.setFail(want)
	if err := r.Prime(context.Background()); err != want {
		t.Fatalf("Prime: %v, want the Fetch error as is", err)
	}
	_, err := r.Get(context.Background())
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "none obtained yet; the last exchange failed: refused; next attempt at") {
		t.Fatalf("Get: %v", err)
	}
}

func TestRefresherRefusesUnusableCredentials(t *testing.T) {
	clk := testkit.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	for name, c := range map[string]creds.Credentials{
		"expired":   {AccessKeyID: "A", SecretAccessKey: "S", Expiration: clk.Now().Add(-time.Second)},
		"no expiry": {AccessKeyID: "A", SecretAccessKey: "S"},
		"no key":    {SecretAccessKey: "S", Expiration: clk.Now().Add(time.Hour)},
		"not utf-8": {AccessKeyID: "A", SecretAccessKey: "S\xff", Expiration: clk.Now().Add(time.Hour)},
	} {
		r := NewRefresher(Options{Now: clk.Now, Fetch: func(context.Context) (creds.Credentials, error) { return c, nil }})
		if err := r.Prime(context.Background()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRefresherGetGivesUpWithContext(t *testing.T) {
	r, is, _, _ := newTestRefresher(t, time.Hour, 15*time.Minute)
	is.gate = make(chan struct{})
	defer close(is.gate)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Get(ctx); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get: %v", err)
	}
}

// TestRefresherRunRenewsInTheBackground uses the real clock: credentials
// valid 300ms are renewed by Run alone, without any Get.
func TestRefresherRunRenewsInTheBackground(t *testing.T) {
	var mu sync.Mutex
	n := 0
	r := NewRefresher(Options{RefreshWindow: DefaultRefreshWindow, Fetch: func(context.Context) (creds.Credentials, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		return creds.Credentials{AccessKeyID: fmt.Sprint("A", n), SecretAccessKey: "S", Expiration: time.Now().Add(300 * time.Millisecond)}, nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Run(ctx)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for r.Fetches() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("Run made %d fetches in 20s, want 3", r.Fetches())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}

// Fetches returns how many times Fetch was called.
func (r *Refresher) Fetches() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fetches
}
