package token

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("stdin is closed") }

func TestSourceLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tokEnv := testkit.JWT(t, `{"sub":"from-env"}`)
	tokDefault := testkit.JWT(t, `{"sub":"from-default-file"}`)
	tokAWS := testkit.JWT(t, `{"sub":"from-aws-file"}`)
	tokFlag := testkit.JWT(t, `{"sub":"from-flag-file"}`)
	tokStdin := testkit.JWT(t, `{"sub":"from-stdin"}`)
	tokNamed := testkit.JWT(t, `{"sub":"from-named-env"}`)

	flagFile := write("flag.jwt", "\n\t "+tokFlag+" \r\n\n")
	defaultFile := write("pulumi.oidc", tokDefault+"\n")
	awsFile := write("aws.jwt", tokAWS)
	garbageFile := write("garbage.jwt", "not a token")
	missing := filepath.Join(dir, "missing.jwt")
	subdir := filepath.Join(dir, "a-directory")
	if err := os.Mkdir(subdir, 0o700); err != nil {
		t.Fatal(err)
	}

	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	all := env("PULUMI_OIDC_TOKEN", tokEnv, "AWS_WEB_IDENTITY_TOKEN_FILE", awsFile, "MY_TOKEN", tokNamed)

	for _, tc := range []struct {
		name       string
		src        Source
		wantSub    string
		wantOrigin string
		wantKind   creds.Kind
		wantAbsent bool
		wantMsg    []string
	}{
		{name: "token file trimmed", src: File{Path: flagFile},
			wantSub: "from-flag-file", wantOrigin: "file " + flagFile},
		{name: "stdin", src: &Reader{R: strings.NewReader("  " + tokStdin + "\n"), Origin: "standard input"},
			wantSub: "from-stdin", wantOrigin: "standard input"},
		{name: "stdin fails", src: &Reader{R: errReader{}, Origin: "standard input"},
			wantKind: creds.KindToken, wantMsg: []string{"standard input", "stdin is closed"}},
		{name: "stdin empty", src: &Reader{R: strings.NewReader("\n"), Origin: "standard input"},
			wantKind: creds.KindToken, wantMsg: []string{"standard input is empty"}},
		{name: "token env", src: Env{Name: "MY_TOKEN", Getenv: all},
			wantSub: "from-named-env", wantOrigin: "environment variable MY_TOKEN"},
		{name: "token env unset", src: Env{Name: "NOPE", Getenv: all},
			wantKind: creds.KindToken, wantAbsent: true, wantMsg: []string{"NOPE", "unset or empty"}},
		{name: "default: PULUMI_OIDC_TOKEN first", src: Default(all, defaultFile, nil),
			wantSub: "from-env", wantOrigin: "environment variable PULUMI_OIDC_TOKEN"},
		{name: "default: then the Pulumi file", src: Default(env("AWS_WEB_IDENTITY_TOKEN_FILE", awsFile), defaultFile, nil),
			wantSub: "from-default-file", wantOrigin: "file " + defaultFile},
		{name: "default: then AWS_WEB_IDENTITY_TOKEN_FILE", src: Default(env("AWS_WEB_IDENTITY_TOKEN_FILE", awsFile), missing, nil),
			wantSub: "from-aws-file", wantOrigin: "file " + awsFile + " (AWS_WEB_IDENTITY_TOKEN_FILE)"},
		{name: "default: AWS_WEB_IDENTITY_TOKEN_FILE missing", src: Default(env("AWS_WEB_IDENTITY_TOKEN_FILE", missing), filepath.Join(dir, "none"), nil),
			wantKind: creds.KindToken, wantMsg: []string{missing, "does not exist"}},
		{name: "nothing found", src: Default(env(), missing, nil),
			wantKind: creds.KindToken, wantMsg: []string{"no OIDC token found", "PULUMI_OIDC_TOKEN is unset", missing + " does not exist", "AWS_WEB_IDENTITY_TOKEN_FILE is unset"}},
		{name: "missing file", src: File{Path: missing},
			wantKind: creds.KindToken, wantAbsent: true, wantMsg: []string{missing, "does not exist"}},
		{name: "unreadable file", src: File{Path: subdir},
			wantKind: creds.KindToken, wantMsg: []string{"cannot read the token file " + subdir}},
		{name: "unreadable default file", src: Default(env(), subdir, nil),
			wantKind: creds.KindToken, wantMsg: []string{"cannot read the token file " + subdir}},
		{name: "file is not a token", src: File{Path: garbageFile},
			wantKind: creds.KindToken, wantMsg: []string{"file " + garbageFile, "not a JWT"}},
		{name: "empty env token", src: Default(env("PULUMI_OIDC_TOKEN", "  \n"), defaultFile, nil),
			wantKind: creds.KindToken, wantMsg: []string{"PULUMI_OIDC_TOKEN is empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := tc.src.Token(context.Background())
			if tc.wantKind != 0 {
				var absent *AbsentError
				if errors.As(err, &absent) != tc.wantAbsent {
					t.Errorf("error %v (%T): *AbsentError %v, want %v", err, err, !tc.wantAbsent, tc.wantAbsent)
				}
				var ec interface{ ExitCode() int }
				if !errors.As(err, &ec) || ec.ExitCode() != int(tc.wantKind) {
					t.Fatalf("error %v (%T) does not exit %d", err, err, tc.wantKind)
				}
				e := err
				for _, want := range tc.wantMsg {
					if !strings.Contains(e.Error(), want) {
						t.Errorf("message %q does not contain %q", e.Error(), want)
					}
				}
				for _, raw := range []string{tokEnv, tokDefault, tokAWS, tokFlag, tokStdin, tokNamed} {
					testkit.NoLeak(t, "the message", e.Error(), raw)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if tok.Claims.Subject != tc.wantSub {
				t.Errorf("sub = %q, want %q", tok.Claims.Subject, tc.wantSub)
			}
			if tok.Origin != tc.wantOrigin {
				t.Errorf("Origin = %q, want %q", tok.Origin, tc.wantOrigin)
			}
			if tok.Raw != strings.TrimSpace(tok.Raw) || strings.ContainsAny(tok.Raw, " \n\r\t") {
				t.Errorf("Raw %q is not trimmed", tok.Raw)
			}
		})
	}
}

// The token is read afresh on every Load: platforms rotate it.
func TestSourceLoadRereads(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.jwt")
	src := File{Path: p}
	for _, sub := range []string{"first", "second"} {
		if err := os.WriteFile(p, []byte(testkit.JWT(t, `{"sub":"`+sub+`"}`)), 0o600); err != nil {
			t.Fatal(err)
		}
		tok, err := src.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if tok.Claims.Subject != sub {
			t.Errorf("sub = %q, want %q", tok.Claims.Subject, sub)
		}
	}
}

// A token longer than STS takes is a token problem, never silently cut:
// from a stream or a file over the 1 MiB read bound, or from any source
// over STS's 20,000 characters.
func TestSourceTooLarge(t *testing.T) {
	tok := testkit.JWT(t, `{"sub":"x"}`)
	huge := tok + strings.Repeat("A", 2*maxTokenFile)
	long := testkit.JWT(t, map[string]string{"sub": "x", "pad": strings.Repeat("p", MaxLength)})
	file := filepath.Join(t.TempDir(), "huge.jwt")
	if err := os.WriteFile(file, []byte(huge), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		src  Source
		want string
	}{
		{"stream over 1 MiB", &Reader{R: strings.NewReader(huge), Origin: "standard input"}, "standard input holds more than 1 MiB"},
		{"file over 1 MiB", File{Path: file}, "the token file " + file + " holds more than 1 MiB"},
		{"variable over 20,000 characters", Env{Name: "T", Getenv: func(string) string { return long }},
			fmt.Sprintf("the token from environment variable T is %d characters long; STS accepts at most 20000", len(long))},
		{"stream over 20,000 characters", &Reader{R: strings.NewReader(long + "\n"), Origin: "standard input"}, "STS accepts at most 20000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.src.Token(context.Background())
			e := testkit.WantKind(t, err, creds.KindToken)
			if !strings.Contains(e.Error(), tc.want) {
				t.Errorf("message %q does not contain %q", e.Error(), tc.want)
			}
			testkit.NoLeak(t, "the message", e.Error(), long, tok)
		})
	}
}

// A Reader reads its stream once and serves the same token on every call:
// serve and exec --refresh exchange again with a token from standard input.
func TestReaderReuses(t *testing.T) {
	tok := testkit.JWT(t, `{"sub":"once"}`)
	r := &Reader{R: strings.NewReader(tok), Origin: "standard input"}
	for i := 0; i < 3; i++ {
		got, err := r.Token(context.Background())
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if got.Raw != tok || got.Claims.Subject != "once" {
			t.Fatalf("call %d: got %q", i, got.Claims.Subject)
		}
	}
}
