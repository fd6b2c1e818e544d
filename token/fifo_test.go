//go:build unix

package token

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// A file that blocks (a FIFO no one writes) fails as a token problem when
// ctx ends, whether named directly, by AWS_WEB_IDENTITY_TOKEN_FILE or as
// the Pulumi file; so does a stream that gives nothing.
func TestSourceHonoursDeadline(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	testkit.FIFO(t, fifo)
	pr, pw := io.Pipe()
	defer pw.Close()
	env := func(k string) string {
		if k == "AWS_WEB_IDENTITY_TOKEN_FILE" {
			return fifo
		}
		return ""
	}
	for _, tc := range []struct {
		name string
		src  Source
		want string
	}{
		{"token file", File{Path: fifo}, "cannot read the token file " + fifo + ": it gave nothing in time"},
		{"AWS_WEB_IDENTITY_TOKEN_FILE", EnvFile{Name: "AWS_WEB_IDENTITY_TOKEN_FILE", Getenv: env}, "it gave nothing in time"},
		{"Pulumi file", Default(func(string) string { return "" }, fifo, nil), "it gave nothing in time"},
		{"stream", &Reader{R: pr, Origin: "standard input"}, "no token came from standard input in time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			_, err := tc.src.Token(ctx)
			e := testkit.WantKind(t, err, creds.KindToken)
			if !strings.Contains(e.Error(), tc.want) {
				t.Errorf("message %q does not contain %q", e.Error(), tc.want)
			}
		})
	}
}

// A Reader whose first call timed out serves the token once it comes.
func TestReaderAfterTimeout(t *testing.T) {
	pr, pw := io.Pipe()
	r := &Reader{R: pr, Origin: "standard input"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.Token(ctx); err == nil {
		t.Fatal("no error before the token came")
	}
	tok := testkit.JWT(t, `{"sub":"late"}`)
	go func() { pw.Write([]byte(tok)); pw.Close() }()
	got, err := r.Token(context.Background())
	if err != nil || got.Claims.Subject != "late" {
		t.Fatalf("Token = %v, %v", got, err)
	}
}
