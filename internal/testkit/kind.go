package testkit

import (
	"errors"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
)

// WantKind fails unless err is a *creds.Error of kind k whose ExitCode is
// k's, and returns it.
func WantKind(t testing.TB, err error, k creds.Kind) *creds.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one of kind %d", k)
	}
	var e *creds.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %q (%T) is not a *creds.Error", err, err)
	}
	if e.Kind != k {
		t.Fatalf("error %q has kind %d, want %d", err, e.Kind, k)
	}
	if e.ExitCode() != int(k) {
		t.Fatalf("ExitCode() = %d, want %d", e.ExitCode(), k)
	}
	return e
}
