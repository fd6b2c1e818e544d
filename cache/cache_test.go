package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/filelock"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func TestHitAndMiss(t *testing.T) {
	c, r := newCache(t)
	ctx := ctxT(t)
	if _, ok := c.get(testKey, 0); ok {
		t.Fatal("Get hit in an empty cache")
	}
	f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}
	e, st, err := c.getOrFetch(ctx, testKey, 15*time.Minute, f.fetch)
	if err != nil || st != statusFetched || e.Credentials.AccessKeyID != "ASIAONE" {
		t.Fatalf("first GetOrFetch = %v, %v, %v; want ASIAONE, miss, nil", e, st, err)
	}
	if e.Version != EntryVersion || e.Written.IsZero() {
		t.Errorf("GetOrFetch did not fill in Version and Written: %+v", e)
	}
	e, st, err = c.getOrFetch(ctx, testKey, 15*time.Minute, f.fetch)
	if err != nil || st != statusHit || e.Credentials.AccessKeyID != "ASIAONE" {
		t.Fatalf("second GetOrFetch = %v, %v, %v; want ASIAONE, hit, nil", e, st, err)
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("fetch called %d times, want 1", n)
	}
	got, ok := c.get(testKey, 15*time.Minute)
	if !ok || got.Credentials != e.Credentials || got.Role != e.Role || got.Identity != e.Identity {
		t.Errorf("Get = %+v, %v; want the fetched entry", got, ok)
	}
	// Another key misses.
	other := KeyParts{RoleARN: "arn:aws:iam::123456789012:role/other"}.Key()
	if _, ok := c.get(other, 0); ok {
		t.Error("Get hit for another key")
	}
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[status]string{statusHit: "hit", statusFetched: "miss", statusWaited: "waited for the lock", statusRefreshed: "refreshed", 0: "status(0)"} {
		if got := s.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(s), got, want)
		}
	}
}

func TestExpiryAndMinValid(t *testing.T) {
	now := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	clk := testkit.NewClock(now)
	testkit.UseClock(t, &timeNow, clk)
	c, _ := newCache(t)
	ctx := ctxT(t)
	f := &fetcher{id: "ONE", exp: now.Add(time.Hour)}
	if _, _, err := c.getOrFetch(ctx, testKey, 15*time.Minute, f.fetch); err != nil {
		t.Fatal(err)
	}
	if e := readEntryFile(t, c.entryPath(testKey)); !e.Written.Equal(now) {
		t.Errorf("Written = %v, want the clock's %v", e.Written, now)
	}
	if _, ok := c.get(testKey, 15*time.Minute); !ok {
		t.Error("miss with an hour left and minValid 15m")
	}
	clk.Advance(46 * time.Minute) // 14 minutes left
	now = clk.Now()
	if _, ok := c.get(testKey, 15*time.Minute); ok {
		t.Error("hit with 14 minutes left and minValid 15m")
	}
	if _, ok := c.get(testKey, 10*time.Minute); !ok {
		t.Error("miss with 14 minutes left and minValid 10m")
	}
	f2 := &fetcher{id: "TWO", exp: now.Add(time.Hour)}
	e, st, err := c.getOrFetch(ctx, testKey, 15*time.Minute, f2.fetch)
	if err != nil || st != statusRefreshed || e.Credentials.AccessKeyID != "ASIATWO" {
		t.Fatalf("GetOrFetch = %v, %v, %v; want ASIATWO, refreshed, nil", e, st, err)
	}
	clk.Advance(2 * time.Hour)
	now = clk.Now()
	if _, ok := c.get(testKey, 0); ok {
		t.Error("hit for expired credentials")
	}
}

func TestBadEntriesAreMissesAndRewritten(t *testing.T) {
	now := time.Now()
	valid := func(version int, secret string) string {
		return fmt.Sprintf(`{"Version":%d,"Credentials":{"AccessKeyID":"ASIAOLD","SecretAccessKey":%q,"Expiration":%q}}`,
			version, secret, now.Add(time.Hour).UTC().Format(time.RFC3339))
	}
	full := valid(1, secretMarker+"-old")
	for name, content := range map[string]string{
		"empty":          "",
		"whitespace":     " \n",
		"truncated":      full[:len(full)/2],
		"corrupt":        "\x00\xff" + secretMarker,
		"null":           "null",
		"array":          "[]",
		"wrong version":  valid(2, secretMarker+"-old"),
		"version 0":      valid(0, secretMarker+"-old"),
		"no secret":      valid(1, ""),
		"trailing data":  full + "{}",
		"too large":      `{"Version":1,"Role":"` + strings.Repeat("x", maxEntrySize) + `"}`,
		"wrong type":     `{"Version":1,"Credentials":"` + secretMarker + `"}`,
		"bad expiration": `{"Version":1,"Credentials":{"AccessKeyID":"A","SecretAccessKey":"B","Expiration":"` + secretMarker + `"}}`,
		"no credentials": `{"Version":1,"Surprise":true}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, r := newCache(t)
			writeRaw(t, c.entryPath(testKey), content)
			if _, ok := c.get(testKey, 0); ok {
				t.Fatal("Get hit")
			}
			f := &fetcher{id: "NEW", exp: now.Add(time.Hour)}
			e, st, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch)
			if err != nil || st != statusRefreshed || e.Credentials.AccessKeyID != "ASIANEW" {
				t.Fatalf("GetOrFetch = %v, %v, %v; want ASIANEW, refreshed, nil", e, st, err)
			}
			if got := readEntryFile(t, c.entryPath(testKey)); got.Credentials.AccessKeyID != "ASIANEW" {
				t.Errorf("entry not rewritten: %+v", got)
			}
			if w := r.Warnings(); len(w) != 0 {
				t.Errorf("warnings: %q", w)
			}
		})
	}
	// The control: the valid content hits.
	c, _ := newCache(t)
	writeRaw(t, c.entryPath(testKey), full)
	if _, ok := c.get(testKey, 0); !ok {
		t.Error("a valid hand-written entry misses")
	}
}

func TestPlantedEntrySymlink(t *testing.T) {
	c, r := newCache(t)
	target := filepath.Join(t.TempDir(), "target.json")
	// Valid credentials behind the link: they must still not be served.
	data, err := encodeEntry(&Entry{Version: 1, Credentials: testEntry("PLANTED", time.Now().Add(time.Hour)).Credentials})
	if err != nil {
		t.Fatal(err)
	}
	writeRaw(t, target, string(data))
	if err := os.Symlink(target, c.entryPath(testKey)); err != nil {
		skipIfNoSymlinks(t, err)
		t.Fatal(err)
	}
	if _, ok := c.get(testKey, 0); ok {
		t.Fatal("Get followed a planted symlink")
	}
	f := &fetcher{id: "REAL", exp: time.Now().Add(time.Hour)}
	e, st, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch)
	if err != nil || st != statusRefreshed || e.Credentials.AccessKeyID != "ASIAREAL" {
		t.Fatalf("GetOrFetch = %v, %v, %v; want ASIAREAL, refreshed, nil", e, st, err)
	}
	if got := readEntryFile(t, c.entryPath(testKey)); got.Credentials.AccessKeyID != "ASIAREAL" {
		t.Errorf("the entry is %+v", got)
	}
	if after, err := os.ReadFile(target); err != nil || string(after) != string(data) {
		t.Errorf("the symlink's target changed: %q, %v", after, err)
	}
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
}

func TestPlantedLockSymlink(t *testing.T) {
	for _, dangling := range []bool{true, false} {
		t.Run(fmt.Sprintf("dangling=%v", dangling), func(t *testing.T) {
			c, r := newCache(t)
			target := filepath.Join(t.TempDir(), "target")
			if !dangling {
				writeRaw(t, target, "keep")
			}
			if err := os.Symlink(target, c.lockPath(testKey)); err != nil {
				skipIfNoSymlinks(t, err)
				t.Fatal(err)
			}
			f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}
			e, st, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch)
			if err != nil || st != statusFetched || e.Credentials.AccessKeyID != "ASIAONE" {
				t.Fatalf("GetOrFetch = %v, %v, %v; want ASIAONE, miss, nil", e, st, err)
			}
			if w := r.Warnings(); len(w) != 1 || !strings.Contains(w[0], c.lockPath(testKey)) || !strings.Contains(w[0], "remove it") {
				t.Errorf("warnings = %q, want one naming the lock file and saying to remove it", w)
			}
			after, err := os.ReadFile(target)
			switch {
			case dangling && !errors.Is(err, os.ErrNotExist):
				t.Errorf("the dangling symlink's target was created: %q, %v", after, err)
			case !dangling && (err != nil || string(after) != "keep"):
				t.Errorf("the symlink's target changed: %q, %v", after, err)
			}
			if _, err := os.Lstat(c.entryPath(testKey)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("an entry was written without the lock: %v", err)
			}
		})
	}
}

func skipIfNoSymlinks(t *testing.T, err error) {
	if runtime.GOOS == "windows" {
		t.Skipf("cannot make symlinks: %v", err)
	}
}

func TestOpenUnusableDir(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	writeRaw(t, file, "")
	if _, err := Open(Options{Dir: file}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open(a file) = %v, want a not-a-directory error", err)
	}
	real := filepath.Join(base, "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(real, link); err != nil {
		skipIfNoSymlinks(t, err)
		t.Fatal(err)
	}
	for _, dir := range []string{link, link + string(filepath.Separator)} {
		if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "symlink") {
			t.Errorf("Open(%s) = %v, want a symlink error", dir, err)
		}
	}
	if _, err := Open(Options{}); err == nil {
		t.Error("Open with no Dir succeeded")
	}
}

func TestOpenCreatesParents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "oidc-creds")
	c, err := Open(Options{Dir: dir + string(filepath.Separator)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", c.Dir(), dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("Stat(%s) = %v, %v", dir, fi, err)
	}
	// Opening again is fine.
	if _, err := Open(Options{Dir: dir}); err != nil {
		t.Error(err)
	}
}

func TestDefaultDir(t *testing.T) {
	dir, err := DefaultDir()
	if err != nil {
		t.Skip(err)
	}
	if filepath.Base(dir) != "oidc-creds" {
		t.Errorf("DefaultDir() = %q", dir)
	}
}

func TestWriteFailureStillReturnsCredentials(t *testing.T) {
	c, r := newCache(t)
	old := writeFileAtomic
	writeFileAtomic = func(dir, name string, data []byte) error {
		return &os.PathError{Op: "write", Path: filepath.Join(dir, "."+name+".tmp-1"), Err: errors.New("no space left on device")}
	}
	t.Cleanup(func() { writeFileAtomic = old })
	f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}
	e, st, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch)
	if err != nil || st != statusFetched || e.Credentials.AccessKeyID != "ASIAONE" {
		t.Fatalf("GetOrFetch = %v, %v, %v; want ASIAONE, miss, nil", e, st, err)
	}
	if w := r.Warnings(); len(w) != 1 || !strings.Contains(w[0], "no space left") {
		t.Errorf("warnings = %q, want one about the full disk", w)
	}
	if _, ok := c.get(testKey, 0); ok {
		t.Error("an entry exists although the write failed")
	}
	// The lock was released: the next call fetches again, without waiting.
	if _, st, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch); err != nil || st != statusFetched {
		t.Errorf("second GetOrFetch = %v, %v", st, err)
	}
}

func TestUnwritableDir(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs unix permissions that bind (not root)")
	}
	c, r := newCache(t)
	if err := os.Chmod(c.Dir(), 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(c.Dir(), 0o700) })
	f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}
	e, _, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch)
	if err != nil || e.Credentials.AccessKeyID != "ASIAONE" {
		t.Fatalf("GetOrFetch = %v, %v", e, err)
	}
	if w := r.Warnings(); len(w) != 1 {
		t.Errorf("warnings = %q, want one", w)
	}
}

type fetchError struct{ code string }

func (e *fetchError) Error() string { return "sts: " + e.code }

func TestFetchErrorReturnedAsIs(t *testing.T) {
	c, r := newCache(t)
	want := &fetchError{"AccessDenied"}
	e, _, err := c.getOrFetch(ctxT(t), testKey, 0, func(context.Context) (*Entry, error) { return nil, want })
	if err != want || e != nil {
		t.Fatalf("GetOrFetch = %v, %v; want nil and fetch's error itself", e, err)
	}
	if _, err := os.Lstat(c.entryPath(testKey)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an entry was written: %v", err)
	}
	// nil, nil from fetch is an error, not a crash.
	if _, _, err := c.getOrFetch(ctxT(t), testKey, 0, func(context.Context) (*Entry, error) { return nil, nil }); err == nil {
		t.Error("GetOrFetch accepted a nil entry")
	}
	// The lock was released.
	f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}
	if _, st, err := c.getOrFetch(ctxT(t), testKey, 0, f.fetch); err != nil || st != statusFetched {
		t.Errorf("GetOrFetch after an error = %v, %v", st, err)
	}
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
}

func TestIncompleteFetchedEntryNotStored(t *testing.T) {
	c, _ := newCache(t)
	e, _, err := c.getOrFetch(ctxT(t), testKey, 0, func(context.Context) (*Entry, error) {
		e := testEntry("ONE", time.Now().Add(time.Hour))
		e.Credentials.Expiration = time.Time{}
		return e, nil
	})
	if err != nil || e.Credentials.AccessKeyID != "ASIAONE" {
		t.Fatalf("GetOrFetch = %v, %v", e, err)
	}
	if _, err := os.Lstat(c.entryPath(testKey)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("credentials without an expiration were cached: %v", err)
	}
}

func TestInvalidKey(t *testing.T) {
	c, _ := newCache(t)
	f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}
	for _, key := range []string{"", "../../etc/passwd", "ABC"} {
		if _, _, err := c.getOrFetch(ctxT(t), key, 0, f.fetch); err == nil {
			t.Errorf("GetOrFetch(%q) succeeded", key)
		}
		if _, ok := c.get(key, 0); ok {
			t.Errorf("Get(%q) hit", key)
		}
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("fetch called %d times", n)
	}
}

// holdLock takes the lock for key as another process would, until the test
// ends or release is called.
func holdLock(t *testing.T, c *Cache, key string) (release func()) {
	t.Helper()
	lf, err := filelock.Open(c.lockPath(key))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := lf.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	var once sync.Once
	release = func() { once.Do(func() { lf.Unlock(); lf.Close() }) }
	t.Cleanup(release)
	return release
}

func TestLockWaitEnds(t *testing.T) {
	c, _ := newCache(t)
	holdLock(t, c, testKey)
	f := &fetcher{id: "ONE", exp: time.Now().Add(time.Hour)}

	// A deadline already past: the first try fails, then the wait ends.
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, _, err := c.getOrFetch(ctx, testKey, 0, f.fetch)
	var lw *filelock.WaitError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &lw) || lw.Path != c.lockPath(testKey) {
		t.Errorf("err = %v, want a *filelock.WaitError wrapping context.DeadlineExceeded", err)
	}
	if err != nil && strings.Contains(err.Error(), "deadline exceeded") {
		t.Errorf("err = %q holds Go's error text", err)
	}
	for _, want := range []string{"another oidc-creds process holds the cache lock", c.lockPath(testKey), "timed out"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}

	// Canceled while waiting.
	c2, r2 := openCache(t, c.Dir())
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	r2.OnLog = func(msg string) {
		if strings.Contains(msg, "waiting for another") {
			cancel()
		}
	}
	_, _, err = c2.getOrFetch(ctx, testKey, 0, f.fetch)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "was canceled") {
		t.Errorf("err = %v, want a canceled wait", err)
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("fetch called %d times while another process held the lock", n)
	}
}

func TestWaitedForAnotherFetcher(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "oidc-creds")
	first, _ := openCache(t, dir)
	second, r2 := openCache(t, dir)
	inFetch, release := make(chan struct{}), make(chan struct{})
	waiting := make(chan struct{})
	var once sync.Once
	r2.OnLog = func(msg string) {
		if strings.Contains(msg, "waiting for another") {
			once.Do(func() { close(waiting) })
		}
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := first.getOrFetch(ctxT(t), testKey, 0, func(context.Context) (*Entry, error) {
			close(inFetch)
			<-release
			return testEntry("FIRST", time.Now().Add(time.Hour)), nil
		})
		done <- err
	}()
	<-inFetch
	type result struct {
		e   *Entry
		st  status
		err error
	}
	res := make(chan result, 1)
	f := &fetcher{id: "SECOND", exp: time.Now().Add(time.Hour)}
	go func() {
		e, st, err := second.getOrFetch(ctxT(t), testKey, 0, f.fetch)
		res <- result{e, st, err}
	}()
	select {
	case <-waiting:
	case got := <-res:
		close(release)
		<-done
		t.Fatalf("second GetOrFetch returned %+v without waiting for the lock", got)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := <-res
	if got.err != nil || got.st != statusWaited || got.e.Credentials.AccessKeyID != "ASIAFIRST" {
		t.Errorf("second GetOrFetch = %+v; want FIRST's entry, waited", got)
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("second fetch called %d times", n)
	}
}

func TestConcurrentGoroutinesFetchOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "oidc-creds")
	var calls atomic.Int32
	fetch := func(context.Context) (*Entry, error) {
		n := calls.Add(1)
		time.Sleep(50 * time.Millisecond) // let the others pile up on the lock
		return testEntry(fmt.Sprint("N", n), time.Now().Add(time.Hour)), nil
	}
	const n = 20
	caches := make([]*Cache, n)
	for i := range caches {
		caches[i], _ = openCache(t, dir)
	}
	keys := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			e, err := caches[i].GetOrFetch(ctxT(t), testKey, 0, fetch)
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = e.Credentials.AccessKeyID
		})
	}
	wg.Wait()
	if c := calls.Load(); c != 1 {
		t.Errorf("fetch called %d times, want 1", c)
	}
	for i, k := range keys {
		if k != keys[0] {
			t.Errorf("goroutine %d got %s, goroutine 0 %s", i, k, keys[0])
		}
	}
}

func TestListAndClear(t *testing.T) {
	now := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	clk := testkit.NewClock(now)
	testkit.UseClock(t, &timeNow, clk)
	c, _ := newCache(t)
	ctx := ctxT(t)
	keyFor := func(s string) string { return KeyParts{RoleARN: s}.Key() }
	for _, tc := range []struct {
		role string
		exp  time.Duration
	}{{"late", 2 * time.Hour}, {"expired", -time.Minute}, {"soon", 30 * time.Minute}} {
		f := &fetcher{id: tc.role, exp: now.Add(tc.exp)}
		if tc.exp < 0 {
			// GetOrFetch does not store expired credentials; write it by hand.
			data, _ := encodeEntry(&Entry{Version: 1, Credentials: testEntry(tc.role, now.Add(tc.exp)).Credentials})
			writeRaw(t, c.entryPath(keyFor(tc.role)), string(data))
			continue
		}
		if _, _, err := c.getOrFetch(ctx, keyFor(tc.role), 0, f.fetch); err != nil {
			t.Fatal(err)
		}
	}
	writeRaw(t, c.entryPath(keyFor("corrupt")), "{")
	writeRaw(t, filepath.Join(c.Dir(), "README.json"), "{}")
	writeRaw(t, filepath.Join(c.Dir(), "."+keyFor("x")+tempMarker+"stale"), "{}")
	writeRaw(t, filepath.Join(c.Dir(), "."+keyFor("x")+tempMarker+"fresh"), "{}")
	if err := os.Chtimes(filepath.Join(c.Dir(), "."+keyFor("x")+tempMarker+"stale"), now.Add(-time.Hour), now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(c.Dir(), "."+keyFor("x")+tempMarker+"fresh"), now, now); err != nil {
		t.Fatal(err)
	}

	ls, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, l := range ls {
		if l.Entry != nil {
			order = append(order, strings.TrimPrefix(l.Entry.Credentials.AccessKeyID, "ASIA"))
			if l.Err != nil {
				t.Errorf("%s: Entry and Err both set", l.Key)
			}
		} else {
			order = append(order, "unreadable")
			if l.Err == nil {
				t.Errorf("%s: neither Entry nor Err", l.Key)
			}
		}
		if l.Path != c.entryPath(l.Key) {
			t.Errorf("Path = %s, want %s", l.Path, c.entryPath(l.Key))
		}
	}
	if got, want := strings.Join(order, " "), "expired soon late unreadable"; got != want {
		t.Errorf("List order = %q, want %q", got, want)
	}

	removed, err := c.Clear(true)
	if err != nil || removed != 2 {
		t.Errorf("Clear(true) = %d, %v; want 2 (expired and corrupt)", removed, err)
	}
	for role, want := range map[string]bool{"late": true, "soon": true, "expired": false, "corrupt": false} {
		_, err := os.Lstat(c.entryPath(keyFor(role)))
		if (err == nil) != want {
			t.Errorf("after Clear(true), %s entry exists = %v, want %v", role, err == nil, want)
		}
	}
	if _, err := os.Lstat(filepath.Join(c.Dir(), "."+keyFor("x")+tempMarker+"stale")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file not removed: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(c.Dir(), "."+keyFor("x")+tempMarker+"fresh")); err != nil {
		t.Errorf("fresh temp file removed: %v", err)
	}
	removed, err = c.Clear(false)
	if err != nil || removed != 2 {
		t.Errorf("Clear(false) = %d, %v; want 2", removed, err)
	}
	if ls, _ := c.List(); len(ls) != 0 {
		t.Errorf("List after Clear(false) = %v", ls)
	}
	// Lock files stay; other files are not ours to remove.
	for _, name := range []string{keyFor("late") + ".lock", "README.json"} {
		if _, err := os.Lstat(filepath.Join(c.Dir(), name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestClearRemovesSymlinkNotTarget(t *testing.T) {
	c, _ := newCache(t)
	target := filepath.Join(t.TempDir(), "target")
	writeRaw(t, target, "keep")
	if err := os.Symlink(target, c.entryPath(testKey)); err != nil {
		skipIfNoSymlinks(t, err)
		t.Fatal(err)
	}
	ls, err := c.List()
	if err != nil || len(ls) != 1 || ls[0].Entry != nil || ls[0].Err == nil {
		t.Fatalf("List = %+v, %v; want one unreadable entry", ls, err)
	}
	if n, err := c.Clear(true); n != 1 || err != nil {
		t.Errorf("Clear(true) = %d, %v", n, err)
	}
	if data, err := os.ReadFile(target); err != nil || string(data) != "keep" {
		t.Errorf("target = %q, %v", data, err)
	}
}

func BenchmarkGet(b *testing.B) {
	c, err := Open(Options{Dir: filepath.Join(b.TempDir(), "oidc-creds")})
	if err != nil {
		b.Fatal(err)
	}
	f := &fetcher{id: "BENCH", exp: time.Now().Add(time.Hour)}
	if _, _, err := c.getOrFetch(context.Background(), testKey, 0, f.fetch); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, ok := c.get(testKey, 15*time.Minute); !ok {
			b.Fatal("miss")
		}
	}
}
