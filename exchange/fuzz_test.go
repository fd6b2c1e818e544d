package exchange

import (
	"errors"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{
		"1h", "45m", "1h30m", "2h0m0s", "900s", "15m", "12h", "11h59m59s", "43200s",
		"1.5h", "10m", "13h", "-1h", "0", "abc", "1d", "", "1h 30m", "14m59s", "12h0m1s",
		"99999h99999m999999s", "0h0m0s", "1h1h", "hms", "1e3s", "１h",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			var e *creds.Error
			if !errors.As(err, &e) || e.Kind != creds.KindInput {
				t.Fatalf("ParseDuration(%q): error %v is not a creds.KindInput *creds.Error", s, err)
			}
			if d != 0 {
				t.Fatalf("ParseDuration(%q) = %s along with an error", s, d)
			}
			return
		}
		if d < MinDuration || d > MaxDuration {
			t.Fatalf("ParseDuration(%q) = %s, outside 15m..12h", s, d)
		}
		if d%time.Second != 0 {
			t.Fatalf("ParseDuration(%q) = %s, not whole seconds", s, d)
		}
		// What is accepted reads the same as Go reads it.
		if g, err := time.ParseDuration(s); err != nil || g != d {
			t.Fatalf("ParseDuration(%q) = %s, time.ParseDuration = %s, %v", s, d, g, err)
		}
	})
}
