package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/token"
	"github.com/oidc-creds/oidc-creds/userfile"
)

// CacheCmd groups the cache subcommands.
type CacheCmd struct {
	Path  CachePathCmd  `cmd:"" help:"Print the cache directory."`
	List  CacheListCmd  `cmd:"" help:"List cached credentials: role, session, identity, expiry, time left (never a secret)."`
	Clear CacheClearCmd `cmd:"" help:"Remove cached credentials."`
}

// CacheDirFlag is the --cache-dir flag of the cache subcommands.
type CacheDirFlag struct {
	CacheDir string `name:"cache-dir" env:"OIDC_CREDS_CACHE_DIR" placeholder:"DIR" help:"Credential cache directory (default: oidc-creds under the user cache directory)."`
}

// dir is --cache-dir, else the default cache directory. Without a home
// directory there is no default: an input problem, said with what to set.
func (f CacheDirFlag) dir() (string, error) {
	if f.CacheDir != "" {
		return f.CacheDir, nil
	}
	d, err := cache.DefaultDir()
	if err != nil {
		return "", &creds.Error{Kind: creds.KindInput, Err: err,
			Msg: fmt.Sprintf("no cache directory: %v; set %s, or pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR)", err, homeVariables())}
	}
	return d, nil
}

// homeVariables names what os.UserCacheDir derives the cache directory
// from on this system.
func homeVariables() string {
	switch runtime.GOOS {
	case "windows":
		return "LocalAppData"
	case "darwin", "ios":
		return "HOME"
	case "plan9":
		return "home"
	}
	return "HOME (or XDG_CACHE_HOME to an absolute path)"
}

// open opens the cache to use it; a directory that cannot be the cache is
// an input problem, worded (dirError).
func (f CacheDirFlag) open(o *IO) (*cache.Cache, error) { return f.openCache(o, false) }

// openCache opens the cache, with readOnly only to read it (cache list):
// then a directory we cannot write, or that does not exist yet, is fine.
func (f CacheDirFlag) openCache(o *IO, readOnly bool) (*cache.Cache, error) {
	dir, err := f.dir()
	if err != nil {
		return nil, err
	}
	c, err := cache.Open(cache.Options{Dir: dir, Logf: o.Logf, Warnf: o.Warnf, ReadOnly: readOnly})
	if err != nil {
		return nil, f.dirError(err)
	}
	return c, nil
}

// dirError words cache.Open's refusal with the remedy that fits the cause.
// Removing the path is advised only for the default directory, which is
// oidc-creds' own: a path given with --cache-dir may be anything
// (/etc/passwd, say).
func (f CacheDirFlag) dirError(err error) error {
	other := "pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR) to use another directory"
	var de *cache.DirError
	if !errors.As(err, &de) {
		return &creds.Error{Kind: creds.KindInput, Err: err, Msg: fmt.Sprintf("the cache cannot be used: %v; %s", err, other)}
	}
	remedy := "; " + other
	switch de.Problem {
	case cache.DirSymlink, cache.DirNotDir, cache.DirOtherOwner:
		if f.CacheDir == "" {
			remedy = "; remove it (oidc-creds creates it again), or " + other
		}
	case cache.DirReadOnlyFS:
		remedy = "; pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR) on a writable file system"
	case cache.DirOpenMode, cache.DirNoWriteMode: // after "run: chmod 700 DIR"
		remedy = ", or " + other
	}
	return &creds.Error{Kind: creds.KindInput, Err: err, Msg: de.Error() + remedy}
}

// CachePathCmd prints the cache directory.
type CachePathCmd struct{ CacheDirFlag }

// Run prints the directory, whether or not it exists yet.
func (c *CachePathCmd) Run(o *IO) error {
	dir, err := c.dir()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(o.Stdout, dir)
	return err
}

// CacheListCmd lists the entries.
type CacheListCmd struct{ CacheDirFlag }

// Run prints a table of entries, soonest expiry first.
func (c *CacheListCmd) Run(o *IO) error {
	cc, err := c.openCache(o, true) // it only reads
	if err != nil {
		return err
	}
	entries, err := cc.List()
	if err != nil {
		return &creds.Error{Kind: creds.KindInput, Err: err,
			Msg: fmt.Sprintf("cannot list the cache directory %s: %v; check its permissions, or pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR)", shown(cc.Dir()), userfile.PathCause(err))}
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ROLE\tSESSION\tIDENTITY\tEXPIRES\tLEFT")
	now := timeNow()
	var unreadable []string
	for _, l := range entries {
		if l.Entry == nil {
			unreadable = append(unreadable, fmt.Sprintf("unreadable entry %s: %s", shown(l.Path), unreadableReason(l)))
			continue
		}
		e := l.Entry
		left := "expired"
		if e.Credentials.Expiration.After(now) {
			left = token.Span(now, e.Credentials.Expiration)
		}
		// Every field comes from a file that anyone running as this user
		// may have written: shown, never raw.
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", shown(e.Role), shown(e.Session), shown(e.Identity), e.Credentials.Expiration.UTC().Format(time.RFC3339), left)
	}
	w.Flush() // a strings.Builder does not fail
	for _, u := range unreadable {
		b.WriteString(u + "\n")
	}
	if len(unreadable) > 0 {
		b.WriteString("(oidc-creds cache clear --expired removes unreadable entries)\n")
	}
	_, err = io.WriteString(o.Stdout, clean(b.String()))
	return err
}

// unreadableReason says why an entry could not be read, without the path
// the error repeats.
func unreadableReason(l cache.Listed) string {
	if l.Err == nil {
		return "not a valid entry"
	}
	msg := userfile.PathCause(l.Err).Error()
	if rest, ok := strings.CutPrefix(l.Err.Error(), l.Path+": "); ok {
		msg = rest
	}
	return msg
}

// CacheClearCmd removes entries.
type CacheClearCmd struct {
	Expired bool `name:"expired" help:"Remove only expired entries."`
	CacheDirFlag
}

// Run removes the entries and says how many.
func (c *CacheClearCmd) Run(o *IO) error {
	dir, err := c.dir()
	if err != nil {
		return err
	}
	// A cache that does not exist yet is empty: nothing to create for that.
	_, err = os.Lstat(dir)
	cc, err := c.openCache(o, errors.Is(err, fs.ErrNotExist))
	if err != nil {
		return err
	}
	n, err := cc.Clear(c.Expired)
	if err != nil {
		return &creds.Error{Kind: creds.KindInput, Err: err,
			Msg: fmt.Sprintf("removed %d cached credential(s) from %s, but could not remove every file: %v; check the directory's permissions", n, shown(cc.Dir()), err)}
	}
	_, err = fmt.Fprintf(o.Stdout, "removed %d cached credential(s) from %s\n", n, shown(cc.Dir()))
	return err
}
