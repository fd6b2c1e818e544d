package cache

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// secretMarker starts every secret the tests make up, so the recorder can check
// that no log or warning ever carries one.
const secretMarker = "SECRET"

// newCache opens a cache in a fresh directory and checks, at the end of the
// test, that nothing it logged or warned carries a secret.
func newCache(t *testing.T) (*Cache, *testkit.Recorder) {
	t.Helper()
	return openCache(t, filepath.Join(t.TempDir(), "oidc-creds"))
}

func openCache(t *testing.T, dir string) (*Cache, *testkit.Recorder) {
	t.Helper()
	r := &testkit.Recorder{}
	c, err := Open(Options{Dir: dir, Logf: r.Logf, Warnf: r.Warnf, PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.NoLeak(t, secretMarker) })
	return c, r
}

func testEntry(id string, exp time.Time) *Entry {
	return &Entry{
		Role:     "arn:aws:iam::123456789012:role/test",
		Session:  "session",
		Identity: "iss=https://issuer.example sub=test aud=acme",
		Credentials: creds.Credentials{
			AccessKeyID:     "ASIA" + id,
			SecretAccessKey: secretMarker + "-key-" + id,
			SessionToken:    secretMarker + "-token-" + id,
			Expiration:      exp,
			AccountID:       "123456789012",
		},
	}
}

// fetcher counts calls and returns testEntry(id, exp).
type fetcher struct {
	calls atomic.Int32
	id    string
	exp   time.Time
}

func (f *fetcher) fetch(context.Context) (*Entry, error) {
	f.calls.Add(1)
	return testEntry(f.id, f.exp), nil
}

var testKey = KeyParts{RoleARN: "arn:aws:iam::123456789012:role/test", Issuer: "https://issuer.example", Subject: "test"}.Key()

func writeRaw(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readEntryFile decodes the entry file at path, failing the test if it is
// not a valid regular file entry.
func readEntryFile(t *testing.T, path string) *Entry {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.Mode().IsRegular() {
		t.Fatalf("%s: mode %v, want a regular file", path, fi.Mode())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := decodeEntry(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return e
}

func ctxT(t *testing.T) context.Context {
	// A safety net against a hung test, not a timing assertion.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// get returns the entry for key if it holds credentials valid for more than
// minValid (tests look with it without fetching). It takes no lock and scans no directory: it opens KEY.json
// (never through a symlink), reads it and decodes it. Anything unusable is a
// miss.
func (c *Cache) get(key string, minValid time.Duration) (*Entry, bool) {
	e, _, err := c.read(key)
	if err != nil {
		c.logf("cache: %s: %v", short(key), err)
	}
	if !e.ValidFor(minValid) {
		return nil, false
	}
	return e, true
}
