package cli

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
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

// dir is --cache-dir, else the default cache directory.
func (f CacheDirFlag) dir() (string, error) {
	if f.CacheDir != "" {
		return f.CacheDir, nil
	}
	d, err := cache.DefaultDir()
	if err != nil {
		return "", fmt.Errorf("%w (--cache-dir or OIDC_CREDS_CACHE_DIR)", err)
	}
	return d, nil
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
	w := tabwriter.NewWriter(o.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ROLE\tSESSION\tIDENTITY\tEXPIRES\tLEFT")
	now := timeNow()
	for _, l := range entries {
		if l.Entry == nil {
			fmt.Fprintf(w, "(unreadable %s)\t\t\t\t\n", l.Path)
			continue
		}
		e := l.Entry
		left := e.Credentials.Expiration.Sub(now).Round(time.Second)
		leftText := left.String()
		if left <= 0 {
			leftText = "expired"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", e.Role, e.Session, e.Identity, e.Credentials.Expiration.UTC().Format(time.RFC3339), leftText)
	}
	return w.Flush()
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
	_, err = fmt.Fprintf(o.Stdout, "removed %d cached credential(s) from %s\n", n, cc.Dir())
	return err
}
