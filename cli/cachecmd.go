package cli

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/token"
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

func (f CacheDirFlag) open(o *IO) (*cache.Cache, error) {
	dir, err := f.dir()
	if err != nil {
		return nil, err
	}
	return cache.Open(cache.Options{Dir: dir, Logf: o.Logf, Warnf: o.Warnf})
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
	cc, err := c.open(o)
	if err != nil {
		return err
	}
	entries, err := cc.List()
	if err != nil {
		return err
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
	msg := token.PathCause(l.Err).Error()
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
	cc, err := c.open(o)
	if err != nil {
		return err
	}
	n, err := cc.Clear(c.Expired)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(o.Stdout, "removed %d cached credential(s) from %s\n", n, shown(cc.Dir()))
	return err
}
