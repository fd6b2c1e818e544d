package urlerr

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

func TestCause(t *testing.T) {
	err := fmt.Errorf("fetching: %w", &url.Error{Op: "Get", URL: "https://example.com/long?secret=x", Err: syscall.ECONNREFUSED})
	if c := Cause(err); !errors.Is(c, syscall.ECONNREFUSED) || strings.Contains(c.Error(), "example.com") {
		t.Errorf("Cause(%v) = %v, want the cause without the URL", err, c)
	}
	if other := errors.New("other"); Cause(other) != other {
		t.Error("Cause changed an error without a *url.Error")
	}
}
