//go:build unix

package token

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// A command's trimmed standard output is the token, run afresh each time;
// a failure, no output, a timeout or a missing program is a
// *CommandError (exit 3) with the end of its standard error.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	tok := testkit.JWT(t, `{"sub":"from-command"}`)
	p := filepath.Join(dir, "t.jwt")
	if err := os.WriteFile(p, []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TOK_PATH", p)
	got, err := Command{Line: `printf '  %s\n\n' "$(cat "$TOK_PATH")"`, Origin: "the token command"}.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Raw != tok || got.Origin != "the token command" {
		t.Errorf("token %q from %q", got.Raw, got.Origin)
	}
	got, err = Command{Args: []string{"cat", p}, Origin: "cat"}.Token(context.Background())
	if err != nil || got.Raw != tok {
		t.Fatalf("Args: %v, %v", got, err)
	}

	for _, tc := range []struct {
		name    string
		c       Command
		timeout time.Duration
		want    []string
		check   func(*CommandError) bool
	}{
		{name: "fails", c: Command{Line: `echo "no session: run login" >&2; exit 4`},
			want: []string{"the token command failed: exit status 4", "its standard error:\nno session: run login"}},
		{name: "prints nothing", c: Command{Line: `echo warming up >&2; echo "  "`},
			want: []string{"the token command printed no token", "warming up"}},
		{name: "too slow", c: Command{Line: `sleep 10`}, timeout: 50 * time.Millisecond,
			want: []string{"the token command did not finish in time"}, check: func(e *CommandError) bool { return e.TimedOut }},
		{name: "not found", c: Command{Args: []string{"no-such-program-oidc-creds"}},
			want: []string{"cannot be run"}, check: func(e *CommandError) bool { return e.NotFound }},
		{name: "long stderr is cut", c: Command{Line: `i=0; while [ $i -lt 400 ]; do echo "line $i of noise" >&2; i=$((i+1)); done; exit 1`},
			want: []string{"line 399 of noise"}, check: func(e *CommandError) bool {
				first, _, _ := strings.Cut(e.Stderr, "\n")
				return len(e.Stderr) <= maxStderr && !strings.Contains(e.Stderr, "line 1 of") &&
					regexp.MustCompile(`^line \d+ of noise$`).MatchString(first)
			}},
		{name: "one long line is cut, marked", c: Command{Line: `head -c 5000 /dev/zero | tr '\0' x >&2; echo " the end" >&2; exit 1`},
			want: []string{"its standard error:\n…xxx", "x the end"}, check: func(e *CommandError) bool {
				return len(e.Stderr) <= maxStderr+len("…")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			tc.c.Origin = "the token command"
			_, err := tc.c.Token(ctx)
			var ce *CommandError
			if !errors.As(err, &ce) || ce.ExitCode() != 3 {
				t.Fatalf("error %v (%T), want a *CommandError", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not contain %q", err, w)
				}
			}
			if tc.check != nil && !tc.check(ce) {
				t.Errorf("%+v", ce)
			}
		})
	}
}

// Output over 1 MiB is a token problem, not a token cut short.
func TestCommandTooLarge(t *testing.T) {
	_, err := Command{Line: `head -c 2000000 /dev/zero | tr '\0' A`, Origin: "the token command"}.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the output of the token command holds more than 1 MiB") {
		t.Errorf("error %v", err)
	}
}
