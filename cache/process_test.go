package cache

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The helper process: the test binary re-executed with helperEnv set runs
// TestHelperProcess, which calls GetOrFetch once and prints the result.
const (
	helperEnv     = "OIDC_CREDS_CACHE_TEST_HELPER" // "fetch" or "block"
	helperDir     = "OIDC_CREDS_CACHE_TEST_DIR"
	helperCounter = "OIDC_CREDS_CACHE_TEST_COUNTER" // fetch appends a line here
	helperReady   = "OIDC_CREDS_CACHE_TEST_READY"   // "block" creates it once in fetch
	helperSleep   = "OIDC_CREDS_CACHE_TEST_SLEEP"   // how long "fetch" takes
	helperBarrier = "OIDC_CREDS_CACHE_TEST_BARRIER" // if set: a directory to check in at, then wait for BARRIER/go
)

type helperResult struct {
	Status string
	Entry  *Entry
}

func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("run as a helper process only")
	}
	c, err := Open(Options{
		Dir:   os.Getenv(helperDir),
		Logf:  func(f string, a ...any) { fmt.Fprintf(os.Stderr, "log: "+f+"\n", a...) },
		Warnf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, "warning: "+f+"\n", a...) },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	id := fmt.Sprint("PID", os.Getpid())
	fetch := func(ctx context.Context) (*Entry, error) {
		f, err := os.OpenFile(os.Getenv(helperCounter), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(f, id)
		f.Close()
		if mode == "block" {
			if err := os.WriteFile(os.Getenv(helperReady), nil, 0o600); err != nil {
				return nil, err
			}
			time.Sleep(time.Hour) // until killed
		}
		d, _ := time.ParseDuration(os.Getenv(helperSleep))
		time.Sleep(d)
		return testEntry(id, time.Now().Add(time.Hour)), nil
	}
	// A safety net so a broken lock cannot hang the test run.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if b := os.Getenv(helperBarrier); b != "" {
		// Check in, then start together with the others.
		if err := os.WriteFile(filepath.Join(b, id), nil, 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for {
			if _, err := os.Stat(filepath.Join(b, "go")); err == nil {
				break
			}
			select {
			case <-ctx.Done():
				fmt.Fprintln(os.Stderr, "never told to go")
				os.Exit(2)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	e, st, err := c.getOrFetch(ctx, testKey, 15*time.Minute, fetch)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(helperResult{Status: st.String(), Entry: e})
	os.Exit(0)
}

func helperCommand(t *testing.T, mode, dir, counter string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.Command(exe, "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDir+"="+dir, helperCounter+"="+counter)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

func parseHelper(t *testing.T, out []byte) helperResult {
	t.Helper()
	var r helperResult
	if err := json.Unmarshal(out, &r); err != nil || r.Entry == nil {
		t.Fatalf("helper output %q: %v", out, err)
	}
	return r
}

func counterLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(data))
}

// TestManyProcessesFetchOnce starts 40 processes on one key, lets them call
// GetOrFetch together once all have started, and makes fetch slow enough that
// they overlap. Exactly one may call fetch, and all must print the same
// credentials.
func TestManyProcessesFetchOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 40 processes")
	}
	dir := filepath.Join(t.TempDir(), "oidc-creds")
	counter := filepath.Join(t.TempDir(), "counter")
	barrier := t.TempDir()
	const n = 40
	cmds := make([]*exec.Cmd, n)
	outs := make([]bytes.Buffer, n)
	errs := make([]bytes.Buffer, n)
	for i := range cmds {
		cmds[i] = helperCommand(t, "fetch", dir, counter, helperSleep+"=300ms", helperBarrier+"="+barrier)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &errs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	exited := make(chan int, n)
	waitErrs := make([]error, n)
	for i, cmd := range cmds {
		go func() { waitErrs[i] = cmd.Wait(); exited <- i }()
	}
	// Wait for all to check in (or one to die), then start them together.
	tick := time.NewTicker(5 * time.Millisecond)
	for {
		des, err := os.ReadDir(barrier)
		if err != nil {
			t.Fatal(err)
		}
		if len(des) == n {
			break
		}
		select {
		case i := <-exited:
			t.Fatalf("helper %d ended before the start: %v\n%s", i, waitErrs[i], errs[i].String())
		case <-tick.C:
		}
	}
	tick.Stop()
	writeRaw(t, filepath.Join(barrier, "go"), "")
	statuses := map[string]int{}
	for range n {
		if i := <-exited; waitErrs[i] != nil {
			t.Fatalf("helper %d: %v\n%s", i, waitErrs[i], errs[i].String())
		}
	}
	var first helperResult
	for i := range cmds {
		r := parseHelper(t, outs[i].Bytes())
		statuses[r.Status]++
		if i == 0 {
			first = r
		} else if r.Entry.Credentials != first.Entry.Credentials {
			t.Errorf("helper %d printed %s, helper 0 %s", i, r.Entry.Credentials.AccessKeyID, first.Entry.Credentials.AccessKeyID)
		}
		if strings.Contains(errs[i].String(), "warning") {
			t.Errorf("helper %d warned:\n%s", i, errs[i].String())
		}
	}
	if lines := counterLines(t, counter); len(lines) != 1 {
		t.Errorf("fetch ran %d times (%v), want once", len(lines), lines)
	}
	if statuses["miss"] != 1 {
		t.Errorf("statuses = %v, want exactly one miss", statuses)
	}
	t.Logf("statuses: %v", statuses)
}

// lineWatcher is an io.Writer that closes seen when a line containing want
// has been written.
type lineWatcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *lineWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
