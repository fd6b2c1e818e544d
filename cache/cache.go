package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/oidc-creds/oidc-creds/filelock"
)

// Options configure a Cache.
type Options struct {
	// Dir is the cache directory; required. See DefaultDir.
	Dir string
	// Logf receives diagnostics (the CLI's -v); nil means silent.
	Logf func(format string, args ...any)
	// Warnf receives warnings; the CLI prints each as one line on stderr.
	// nil means silent.
	Warnf func(format string, args ...any)
	// PollInterval is how often a waiting process retries the lock; 0 means
	// 20ms.
	PollInterval time.Duration
	// ReadOnly opens the cache only to read it (List): a missing directory
	// is not created (the cache is empty), and one we cannot write is fine.
	ReadOnly bool
}

const defaultPollInterval = 20 * time.Millisecond

// Cache is a credential cache in one directory, safe for concurrent use by
// goroutines and by processes.
type Cache struct {
	dir   string
	logf  func(string, ...any)
	warnf func(string, ...any)
	poll  time.Duration
}

// Open opens the cache in o.Dir, creating the directory (0700, parents too)
// if it is missing. It fails with a *DirError when the directory is
// unusable: a symlink, not a directory, or on unix owned by someone else,
// group- or world-writable, or (unless o.ReadOnly) not writable or
// impossible to create. The caller should then warn and run without a
// cache.
func Open(o Options) (*Cache, error) {
	if o.Dir == "" {
		return nil, errors.New("no cache directory given")
	}
	// Clean drops a trailing slash, which would make Lstat follow a symlink.
	dir := filepath.Clean(o.Dir)
	if err := prepareDir(dir, o.ReadOnly); err != nil {
		return nil, err
	}
	c := &Cache{dir: dir, logf: o.Logf, warnf: o.Warnf, poll: o.PollInterval}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	if c.warnf == nil {
		c.warnf = func(string, ...any) {}
	}
	if c.poll <= 0 {
		c.poll = defaultPollInterval
	}
	return c, nil
}

// Dir returns the cache directory.
func (c *Cache) Dir() string { return c.dir }

func (c *Cache) entryPath(key string) string { return filepath.Join(c.dir, key+".json") }
func (c *Cache) lockPath(key string) string  { return filepath.Join(c.dir, key+".lock") }

// read reads the entry for key. exists reports whether something is in the
// entry's place (a file, even corrupt, or a planted symlink); err says why
// it could not be used.
func (c *Cache) read(key string) (e *Entry, exists bool, err error) {
	if !validKey(key) {
		return nil, false, errInvalidKey(key)
	}
	f, err := filelock.OpenRegular(c.entryPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEntrySize+1))
	if err != nil {
		return nil, true, err
	}
	if len(data) > maxEntrySize {
		return nil, true, fmt.Errorf("%s: %w: larger than %d bytes", f.Name(), errBadEntry, maxEntrySize)
	}
	e, err = decodeEntry(data)
	if err != nil {
		return nil, true, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return e, true, nil
}

func errInvalidKey(key string) error {
	return fmt.Errorf("invalid cache key %q: want the 64 lowercase hex digits of KeyParts.Key", key)
}

// GetOrFetch returns a cached entry valid for more than minValid, or calls
// fetch to get one and caches it, so that concurrent callers in any number of
// processes call fetch once.
//
// On a miss it takes the lock KEY.lock, polling a non-blocking lock every
// PollInterval until ctx ends; looks again, since another process may have
// fetched meanwhile; calls fetch; writes the entry atomically; and releases
// the lock. If ctx ends while waiting, the error wraps a *filelock.WaitError,
// which wraps ctx.Err(); give ctx a deadline, since a holder that hangs (rather
// than dies) keeps the lock.
//
// fetch's error is returned as is, unwrapped, so callers can classify it. If
// fetch's entry has Version 0 or a zero Written, they are set. Cache
// trouble never costs the caller its credentials: if the lock file cannot be
// used (a planted symlink, say) or the entry cannot be written (a full disk),
// GetOrFetch calls Warnf once and returns the fetched entry with a nil
// error.
func (c *Cache) GetOrFetch(ctx context.Context, key string, minValid time.Duration, fetch func(context.Context) (*Entry, error)) (*Entry, error) {
	e, _, err := c.getOrFetch(ctx, key, minValid, fetch)
	return e, err
}

// getOrFetch is GetOrFetch, also saying how it got the entry (for tests;
// -v shows the same in the log).
func (c *Cache) getOrFetch(ctx context.Context, key string, minValid time.Duration, fetch func(context.Context) (*Entry, error)) (*Entry, status, error) {
	if !validKey(key) {
		return nil, 0, errInvalidKey(key)
	}
	e, existed, err := c.read(key)
	if e.ValidFor(minValid) {
		c.logf("cache: hit %s (%s, valid until %s)", short(key), e.Role, e.Credentials.Expiration.UTC().Format(time.RFC3339))
		return e, statusHit, nil
	}
	c.explainMiss(key, e, err, minValid)

	lockPath := c.lockPath(key)
	lf, err := filelock.Open(lockPath)
	if err != nil {
		c.warnf("not using the credential cache for this request: %v", err)
		return c.fetchUncached(ctx, existed, fetch)
	}
	defer lf.Close()
	waited, err := c.lock(ctx, lf)
	if err != nil {
		if errors.As(err, new(*filelock.WaitError)) {
			return nil, 0, err
		}
		c.warnf("not using the credential cache for this request: %v", err)
		return c.fetchUncached(ctx, existed, fetch)
	}
	defer func() {
		if err := lf.Unlock(); err != nil {
			c.logf("cache: %v", err)
		}
	}()

	e, exists, err := c.read(key)
	if e.ValidFor(minValid) {
		if waited {
			c.logf("cache: another process fetched %s while we waited", short(key))
			return e, statusWaited, nil
		}
		c.logf("cache: hit %s after taking the lock", short(key))
		return e, statusHit, nil
	}
	if waited {
		c.explainMiss(key, e, err, minValid)
	}
	c.logf("cache: fetching %s", short(key))
	e, status, err := c.fetchUncached(ctx, existed || exists, fetch)
	if err != nil {
		return nil, status, err
	}
	c.store(key, e, minValid)
	return e, status, nil
}

// lock takes the lock on lf, polling until ctx ends. waited reports whether
// another process held it at first.
func (c *Cache) lock(ctx context.Context, lf *filelock.File) (waited bool, err error) {
	waited, err = lf.Lock(ctx, c.poll, func() {
		c.logf("cache: waiting for another oidc-creds process that holds %s", lf.Name())
	})
	if errors.As(err, new(*filelock.WaitError)) {
		return waited, fmt.Errorf("another oidc-creds process holds the cache lock: %w", err)
	}
	return waited, err
}

func (c *Cache) fetchUncached(ctx context.Context, existed bool, fetch func(context.Context) (*Entry, error)) (*Entry, status, error) {
	status := statusFetched
	if existed {
		status = statusRefreshed
	}
	e, err := fetch(ctx)
	if err != nil {
		return nil, status, err
	}
	if e == nil {
		return nil, status, errors.New("cache: fetch returned neither credentials nor an error")
	}
	return e, status, nil
}

// store writes e as the entry for key, warning once if it cannot.
func (c *Cache) store(key string, e *Entry, minValid time.Duration) {
	if e.Version == 0 {
		e.Version = EntryVersion
	}
	if e.Written.IsZero() {
		e.Written = timeNow().UTC()
	}
	switch {
	case e.Version != EntryVersion:
		c.logf("cache: not saving %s: entry version %d, want %d", short(key), e.Version, EntryVersion)
		return
	case !e.ValidFor(0):
		c.logf("cache: not saving %s: the fetched credentials are incomplete or already expired", short(key))
		return
	case !e.ValidFor(minValid):
		c.logf("cache: the fetched credentials for %s last less than %s, so the next run fetches again", short(key), minValid)
	}
	data, err := encodeEntry(e)
	if err == nil {
		err = writeFileAtomic(c.dir, key+".json", data)
	}
	if err != nil {
		c.warnf("could not save credentials in the cache, so the next run fetches again (check free space and permissions of %s): %v", c.dir, err)
		return
	}
	c.logf("cache: saved %s (valid until %s)", short(key), e.Credentials.Expiration.UTC().Format(time.RFC3339))
}

func (c *Cache) explainMiss(key string, e *Entry, err error, minValid time.Duration) {
	switch {
	case err != nil:
		c.logf("cache: miss %s: %v", short(key), err)
	case e == nil:
		c.logf("cache: miss %s: no entry", short(key))
	default:
		c.logf("cache: miss %s: the entry is not valid for more than %s (expires %s)", short(key), minValid, e.Credentials.Expiration.UTC().Format(time.RFC3339))
	}
}

// short abbreviates a key for messages.
func short(key string) string {
	if len(key) > 12 {
		return key[:12]
	}
	return key
}
