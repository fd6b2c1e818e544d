package exchange

import (
	"strconv"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// Session durations STS accepts.
const (
	MinDuration = 15 * time.Minute
	MaxDuration = 12 * time.Hour
)

// ParseDuration reads the XhYmZs form of the Pulumi console — 1h, 45m,
// 1h30m, 2h0m0s, 900s — in whole seconds from 15m to 12h.
func ParseDuration(s string) (time.Duration, error) {
	d, err := ParseHMS(s)
	if err != nil {
		return 0, err
	}
	if d < MinDuration || d > MaxDuration {
		shown := s
		if c := compact(d); c != s {
			shown += " (" + c + ")"
		}
		return 0, inputError(creds.InputDuration, "duration %s is outside what STS accepts: from 15m to 12h (and at most the role's MaxSessionDuration)", shown)
	}
	return d, nil
}

// ParseHMS reads the XhYmZs form of ParseDuration without STS's range, for
// durations with limits of their own.
func ParseHMS(s string) (time.Duration, error) {
	d, ok := parseHMS(s)
	if !ok {
		return 0, inputError(creds.InputDuration, "duration %q is not in the XhYmZs form; write whole hours, minutes and seconds such as 1h, 45m, 1h30m or 900s, from 15m to 12h", creds.Clip(s))
	}
	return d, nil
}

// compact is d in hours, minutes and seconds, zero units left out: 1h,
// 1h30m, 12h1s, 0s.
func compact(d time.Duration) string {
	var b strings.Builder
	for _, u := range []struct {
		unit   time.Duration
		suffix string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.suffix)
			d -= n * u.unit
		}
	}
	if b.Len() == 0 {
		return "0s"
	}
	return b.String()
}

// parseHMS reads [Nh][Nm][Ns], units in that order, each at most once,
// numbers of 1 to 6 digits, at least one unit.
func parseHMS(s string) (time.Duration, bool) {
	units := []struct {
		suffix byte
		unit   time.Duration
	}{{'h', time.Hour}, {'m', time.Minute}, {'s', time.Second}}
	var d time.Duration
	next := 0 // the first unit still allowed
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 6 || i == len(s) {
			return 0, false
		}
		n := 0
		for _, c := range s[:i] {
			n = n*10 + int(c-'0')
		}
		for next < len(units) && units[next].suffix != s[i] {
			next++
		}
		if next == len(units) {
			return 0, false
		}
		d += time.Duration(n) * units[next].unit
		next++
		s = s[i+1:]
	}
	return d, next > 0
}
