package exchange

import (
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func TestParseDurationAccepted(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"1h", time.Hour},
		{"45m", 45 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"2h0m0s", 2 * time.Hour},
		{"900s", 15 * time.Minute},
		{"15m", 15 * time.Minute},
		{"12h", 12 * time.Hour},
		{"11h59m59s", 12*time.Hour - time.Second},
		{"43200s", 12 * time.Hour},
		{"0h15m", 15 * time.Minute},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseDuration(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseDurationRefused(t *testing.T) {
	for _, tc := range []struct {
		in string
		// form: refused for its shape, so the message must teach the form;
		// otherwise refused for its range, so it must name the range.
		form bool
	}{
		{"1.5h", true},
		{"10m", false},
		{"13h", false},
		{"-1h", true},
		{"0", true},
		{"0s", false},
		{"abc", true},
		{"1d", true},
		{"", true},
		{"1h 30m", true},
		{" 1h", true},
		{"1H", true},
		{"30m1h", true},
		{"1h30", true},
		{"14m59s", false},
		{"12h0m1s", false},
		{"99999h", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := ParseDuration(tc.in)
			if err == nil {
				t.Fatalf("ParseDuration(%q) = %s, want an error", tc.in, d)
			}
			e := testkit.WantKind(t, err, creds.KindInput)
			msg := e.Error()
			if tc.form {
				for _, want := range []string{"XhYmZs", "1h30m", "45m"} {
					if !strings.Contains(msg, want) {
						t.Errorf("message %q does not contain %q", msg, want)
					}
				}
			} else {
				for _, want := range []string{"15m", "12h", tc.in} {
					if !strings.Contains(msg, want) {
						t.Errorf("message %q does not contain %q", msg, want)
					}
				}
			}
		})
	}
}

// A duration out of range is shown as given, and in hours and minutes only
// when that says something more: "0s", not "0s (0s)".
func TestParseDurationRangeMessage(t *testing.T) {
	for in, want := range map[string]string{
		"0s":     "duration 0s is outside",
		"10m":    "duration 10m is outside",
		"13h":    "duration 13h is outside",
		"46800s": "duration 46800s (13h) is outside",
		"12h1s":  "duration 12h1s is outside",
		"0h14m":  "duration 0h14m (14m) is outside",
	} {
		_, err := ParseDuration(in)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseDuration(%q): %v, want %q", in, err, want)
		}
	}
}
