package backoff

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Each wait is half of Base plus jitter below the doubling ceiling, capped.
func TestWait(t *testing.T) {
	b := Backoff{Base: 10 * time.Millisecond, Cap: 45 * time.Millisecond}
	for attempt := 1; attempt <= 70; attempt++ {
		ceiling := min(b.Base<<min(attempt-1, 20), b.Cap)
		for range 50 {
			if d := b.Wait(attempt); d < b.Base/2 || d >= b.Base/2+ceiling {
				t.Fatalf("Wait(%d) = %s, want within [%s, %s)", attempt, d, b.Base/2, b.Base/2+ceiling)
			}
		}
	}
}

// A zero Backoff is Default; a zero Cap or attempt does not panic.
func TestWaitDefaults(t *testing.T) {
	old := Default
	t.Cleanup(func() { Default = old })
	Default = Backoff{Base: 4 * time.Millisecond, Cap: 8 * time.Millisecond}
	for range 50 {
		if d := (Backoff{}).Wait(3); d < 2*time.Millisecond || d >= 10*time.Millisecond {
			t.Fatalf("zero Backoff waits %s, want Default's [2ms, 10ms)", d)
		}
	}
	if d := (Backoff{Base: time.Millisecond}).Wait(0); d < time.Millisecond/2 || d > time.Millisecond/2+1 {
		t.Fatalf("Wait(0) with no Cap = %s, want Base/2", d)
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("Sleep = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep after cancel = %v, want context.Canceled", err)
	}
	// A wait that cannot end before the deadline is not begun (the test
	// would hang for an hour if it were).
	ctx, cancel = context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if err := Sleep(ctx, 2*time.Hour); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Fatalf("Sleep past the deadline = %v, want context.DeadlineExceeded at once", err)
	}
	// Canceled while it waits.
	ctx, cancel = context.WithCancel(context.Background())
	go cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep canceled while waiting = %v", err)
	}
}

func TestFits(t *testing.T) {
	if !Fits(context.Background(), time.Hour) {
		t.Error("no deadline: a wait does not fit")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if Fits(ctx, 2*time.Hour) || !Fits(ctx, time.Minute) {
		t.Error("Fits is wrong about a deadline an hour away")
	}
}
