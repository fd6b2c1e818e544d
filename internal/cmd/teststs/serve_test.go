package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// served is a serve command running in process.
type served struct {
	st             State
	stdout, stderr *syncBuffer
	stateFile      string
	stop           func() // stops serve (once) and checks it exited 0
}

// startServe runs serve in process with args (and a --state-file) and waits
// for its state file; the test stops it at the end if it has not.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	sv := &served{stdout: &syncBuffer{}, stderr: &syncBuffer{}, stateFile: filepath.Join(t.TempDir(), "state.json")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--state-file", sv.stateFile}, args...), sv.stdout, sv.stderr)
	}()
	var once sync.Once
	sv.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("serve exited %d: %s", code, sv.stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Error("serve did not stop")
			}
		})
	}
	t.Cleanup(sv.stop)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(sv.stateFile); err == nil {
			if err := json.Unmarshal(b, &sv.st); err != nil {
				t.Fatalf("state file %q: %v", b, err)
			}
			return sv
		}
		if time.Now().After(deadline) {
			t.Fatalf("no state file; stderr: %s", sv.stderr.String())
		}
	}
}

// waitLog waits (up to 5s) for the -v log to hold want; it polls every 50ms.
func (sv *served) waitLog(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(sv.stderr.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the log lacks %q:\n%s", want, sv.stderr.String())
		}
	}
}
