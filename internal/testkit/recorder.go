package testkit

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Recorder collects the lines a Logf and a Warnf receive; safe for
// concurrent use.
type Recorder struct {
	// OnLog, if set, is called with each log line as it comes.
	OnLog func(string)

	mu    sync.Mutex
	logs  []string
	warns []string
}

// Logf records a log line.
func (r *Recorder) Logf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.logs = append(r.logs, msg)
	f := r.OnLog
	r.mu.Unlock()
	if f != nil {
		f(msg)
	}
}

// Warnf records a warning.
func (r *Recorder) Warnf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.warns = append(r.warns, fmt.Sprintf(format, args...))
}

// Logs are the log lines so far.
func (r *Recorder) Logs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.logs...)
}

// Warnings are the warnings so far.
func (r *Recorder) Warnings() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.warns...)
}

// String is every log line, then every warning, one per line.
func (r *Recorder) String() string {
	return strings.Join(append(r.Logs(), r.Warnings()...), "\n")
}

// NoLeak fails the test when a recorded line holds any of the secrets.
func (r *Recorder) NoLeak(t testing.TB, secrets ...string) {
	t.Helper()
	for _, line := range append(r.Logs(), r.Warnings()...) {
		for _, s := range secrets {
			if s != "" && strings.Contains(line, s) {
				t.Errorf("a recorded line carries a secret: %q", line)
			}
		}
	}
}
