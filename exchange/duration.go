package exchange

import (
	"regexp"
	"strconv"
	"time"
)

// Session durations STS accepts.
const (
	MinDuration     = 15 * time.Minute
	MaxDuration     = 12 * time.Hour
	DefaultDuration = time.Hour
)

var durationForm = regexp.MustCompile(`^(?:(\d{1,5})h)?(?:(\d{1,5})m)?(?:(\d{1,6})s)?$`)

// ParseDuration reads the XhYmZs form of the Pulumi console — 1h, 45m,
// 1h30m, 2h0m0s, 900s — in whole seconds from 15m to 12h.
func ParseDuration(s string) (time.Duration, error) {
	m := durationForm.FindStringSubmatch(s)
	if s == "" || m == nil {
		return 0, inputError("duration %q is not in the XhYmZs form; write whole hours, minutes and seconds such as 1h, 45m, 1h30m or 900s, from 15m to 12h", clip(s))
	}
	var d time.Duration
	for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1]) // at most 6 digits: cannot fail or overflow
			d += time.Duration(n) * unit
		}
	}
	if d < MinDuration || d > MaxDuration {
		return 0, inputError("duration %s (%s) is outside what STS accepts: from 15m to 12h (and at most the role's MaxSessionDuration)", s, d)
	}
	return d, nil
}
