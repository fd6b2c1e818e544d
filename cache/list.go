package cache

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Listed is one cache entry as List sees it.
type Listed struct {
	Key  string
	Path string
	// Entry is nil when the file is unreadable or not a valid entry; Err
	// then says why (without quoting the file's content).
	Entry *Entry
	Err   error
}

// List returns every KEY.json entry in the cache, valid or not, sorted by
// expiry (soonest first); unreadable entries come last, by key. Lock and
// temporary files are not listed.
func (c *Cache) List() ([]Listed, error) {
	des, err := os.ReadDir(c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // a cache opened ReadOnly before its first use
	}
	if err != nil {
		return nil, fmt.Errorf("listing the cache: %w", err)
	}
	var out []Listed
	for _, de := range des {
		key, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || !validKey(key) {
			continue
		}
		e, exists, err := c.read(key)
		if !exists && err == nil {
			continue // removed since ReadDir
		}
		out = append(out, Listed{Key: key, Path: c.entryPath(key), Entry: e, Err: err})
	}
	slices.SortFunc(out, func(a, b Listed) int {
		switch {
		case a.Entry == nil && b.Entry == nil:
			return strings.Compare(a.Key, b.Key)
		case a.Entry == nil:
			return 1
		case b.Entry == nil:
			return -1
		}
		return cmp.Or(a.Entry.Credentials.Expiration.Compare(b.Entry.Credentials.Expiration), strings.Compare(a.Key, b.Key))
	})
	return out, nil
}

// staleTemp is the age after which Clear removes a temporary file: a writer
// renames its temporary file within milliseconds, so an older one was left by
// a process that died mid-write. It may hold credentials.
const staleTemp = time.Minute

// Clear removes cache entries: all of them, or with expiredOnly only those
// that are expired or unusable (corrupt, planted symlinks). It also removes
// temporary files left by writers that died. removed counts entries.
//
// Lock files are left alone, by design: they are empty, and deleting one that
// another process holds or is about to lock would let a third process lock a
// new file of the same name and fetch at the same time.
//
// An entry refreshed by another process between Clear's check and its
// removal may be removed; the next run then fetches again.
func (c *Cache) Clear(expiredOnly bool) (removed int, err error) {
	ls, err := c.List()
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, l := range ls {
		if expiredOnly && l.Entry.ValidFor(0) {
			continue
		}
		// Remove unlinks a planted symlink itself, not its target.
		if err := os.Remove(l.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	if des, err := os.ReadDir(c.dir); err == nil {
		for _, de := range des {
			if !isTempName(de.Name()) {
				continue
			}
			if fi, err := de.Info(); err == nil && timeNow().Sub(fi.ModTime()) > staleTemp {
				if err := os.Remove(filepath.Join(c.dir, de.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("clearing the cache: %w", err)
	}
	return removed, nil
}
