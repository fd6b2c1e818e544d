package testkit

import (
	"sync"
	"testing"
	"time"
)

// Clock is a clock that tests set and move by hand; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock standing at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// UseClock points a package's clock variable (such as timeNow) at c until
// the test ends.
func UseClock(t testing.TB, clock *func() time.Time, c *Clock) {
	t.Helper()
	old := *clock
	*clock = c.Now
	t.Cleanup(func() { *clock = old })
}
