//go:build unix

package cache

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestModes(t *testing.T) {
	// A umask that would leave the files unreadable to us (0400) and the
	// directory unwritable (0500): the cache must set modes explicitly.
	dir := filepath.Join(t.TempDir(), "oidc-creds")
	old := syscall.Umask(0o277)
	t.Cleanup(func() { syscall.Umask(old) })
	c, _ := openCache(t, dir)
	f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}
	if _, _, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{
		dir:                  os.ModeDir | 0o700,
		c.entryPath(testKey): 0o600,
		c.lockPath(testKey):  0o600,
	} {
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	// No temporary files are left behind.
	des, _ := os.ReadDir(dir)
	for _, de := range des {
		if isTempName(de.Name()) {
			t.Errorf("temporary file left: %s", de.Name())
		}
	}
}

func TestOpenRejectsWritableByOthers(t *testing.T) {
	for _, mode := range []os.FileMode{0o770, 0o720, 0o707, 0o702, 0o1777} {
		dir := filepath.Join(t.TempDir(), "oidc-creds")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		_, err := Open(Options{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), "chmod 700 "+dir) {
			t.Errorf("mode %#o: Open = %v, want an error saying chmod 700 %s", mode, err, dir)
		}
	}
	// Readable by others is fine: the entries themselves are 0600.
	dir := filepath.Join(t.TempDir(), "oidc-creds")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Dir: dir}); err != nil {
		t.Errorf("mode 0755: %v", err)
	}
}

func TestOpenRejectsOtherOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory away")
	}
	dir := filepath.Join(t.TempDir(), "oidc-creds")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 4242, 4242); err != nil {
		t.Skip(err)
	}
	if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "belongs to uid 4242") {
		t.Errorf("Open = %v, want an ownership error", err)
	}
}

func TestPlantedFIFOIsAMiss(t *testing.T) {
	c, r := newCache(t)
	if err := syscall.Mkfifo(c.entryPath(testKey), 0o600); err != nil {
		t.Skip(err)
	}
	// Would block forever in open if the FIFO were opened like a file.
	if _, ok := c.get(testKey, 0); ok {
		t.Fatal("hit")
	}
	f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}
	if _, st, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch); err != nil || st != statusRefreshed {
		t.Fatalf("GetOrFetch = %v, %v", st, err)
	}
	readEntryFile(t, c.entryPath(testKey))
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
}

// TestKilledHolderIsTakenOver: a process takes the lock and hangs in fetch; a
// second process waits for the lock; the first is killed with SIGKILL; the
// second takes the lock over and fetches itself.
func TestKilledHolderIsTakenOver(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "oidc-creds")
	tmp := t.TempDir()
	counter, ready := filepath.Join(tmp, "counter"), filepath.Join(tmp, "ready")

	holder := helperCommand(t, "block", dir, counter, helperReady+"="+ready)
	var holderErr lineWatcher
	holderErr.seen = make(chan struct{})
	holder.Stderr = &holderErr // want is empty: only collects the output
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	holderDone := startWait(t, holder)
	waitForFile(t, ready, holderDone, &holderErr)

	waiter := helperCommand(t, "fetch", dir, counter)
	var out strings.Builder
	waiterErr := &lineWatcher{want: "waiting for another oidc-creds process", seen: make(chan struct{})}
	waiter.Stdout, waiter.Stderr = &out, waiterErr
	if err := waiter.Start(); err != nil {
		t.Fatal(err)
	}
	waiterDone := startWait(t, waiter)
	select {
	case <-waiterErr.seen:
	case <-waiterDone.exited:
		t.Fatalf("the second process ended (%v) before waiting for the lock:\n%s", waiterDone.err, waiterErr.String())
	}

	if err := holder.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-holderDone.exited
	if <-waiterDone.exited; waiterDone.err != nil {
		t.Fatalf("the second process: %v\n%s", waiterDone.err, waiterErr.String())
	}
	r := parseHelper(t, []byte(out.String()))
	want := fmt.Sprint("ASIAPID", waiter.Process.Pid)
	if r.Status != "miss" || r.Entry.Credentials.AccessKeyID != want {
		t.Errorf("second process got %s, %s; want its own %s, miss", r.Status, r.Entry.Credentials.AccessKeyID, want)
	}
	if lines := counterLines(t, counter); len(lines) != 2 {
		t.Errorf("fetch ran %v, want in both processes", lines)
	}
}

// bgProcess is a started process being waited for: exited is closed when it
// ends, and err is then Wait's result.
type bgProcess struct {
	exited chan struct{}
	err    error
}

// startWait waits for cmd in the background, and makes sure it is dead by
// the end of the test.
func startWait(t *testing.T, cmd *exec.Cmd) *bgProcess {
	w := &bgProcess{exited: make(chan struct{})}
	go func() { w.err = cmd.Wait(); close(w.exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-w.exited })
	return w
}

// waitForFile waits until path exists or the process w ends.
func waitForFile(t *testing.T, path string, w *bgProcess, stderr *lineWatcher) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := os.Stat(path); err == nil {
			return
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		select {
		case <-w.exited:
			t.Fatalf("the process ended (%v) before %s appeared:\n%s", w.err, path, stderr.String())
		case <-tick.C:
		}
	}
}
