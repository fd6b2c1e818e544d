package format

import (
	"os"
	"testing"
	"time"
)

// The tests' credentials expire at 2026-11-25T20:00:00Z or later: the clock
// stands an hour before.
func TestMain(m *testing.M) {
	timeNow = func() time.Time { return time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC) }
	os.Exit(m.Run())
}
