package exchange

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	tokEnv := makeJWT(t, `{"sub":"from-env"}`)
	tokDefault := makeJWT(t, `{"sub":"from-default-file"}`)
	tokAWS := makeJWT(t, `{"sub":"from-aws-file"}`)
	tokFlag := makeJWT(t, `{"sub":"from-flag-file"}`)
	tokStdin := makeJWT(t, `{"sub":"from-stdin"}`)
	tokNamed := makeJWT(t, `{"sub":"from-named-env"}`)

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
		wantKind   Kind
		wantMsg    []string
	}{
		{name: "token file trimmed", src: Source{File: flagFile, Getenv: all, DefaultFile: defaultFile},
			wantSub: "from-flag-file", wantOrigin: "file " + flagFile},
		{name: "stdin", src: Source{File: "-", Stdin: strings.NewReader("  " + tokStdin + "\n"), Getenv: all, DefaultFile: defaultFile},
			wantSub: "from-stdin", wantOrigin: "standard input"},
		{name: "stdin fails", src: Source{File: "-", Stdin: errReader{}},
			wantKind: KindToken, wantMsg: []string{"standard input", "stdin is closed"}},
		{name: "stdin empty", src: Source{File: "-", Stdin: strings.NewReader("\n")},
			wantKind: KindToken, wantMsg: []string{"standard input is empty"}},
		{name: "token env", src: Source{Env: "MY_TOKEN", Getenv: all, DefaultFile: defaultFile},
			wantSub: "from-named-env", wantOrigin: "environment variable MY_TOKEN"},
		{name: "token env unset", src: Source{Env: "NOPE", Getenv: all, DefaultFile: defaultFile},
			wantKind: KindToken, wantMsg: []string{"--token-env", "NOPE", "unset or empty"}},
		{name: "both given", src: Source{File: flagFile, Env: "MY_TOKEN", Getenv: all, DefaultFile: defaultFile},
			wantKind: KindInput, wantMsg: []string{"--token-file", "--token-env"}},
		{name: "both given, stdin", src: Source{File: "-", Env: "MY_TOKEN", Stdin: strings.NewReader(tokStdin), Getenv: all},
			wantKind: KindInput, wantMsg: []string{"--token-file", "--token-env"}},
		{name: "default: PULUMI_OIDC_TOKEN first", src: Source{Getenv: all, DefaultFile: defaultFile},
			wantSub: "from-env", wantOrigin: "environment variable PULUMI_OIDC_TOKEN"},
		{name: "default: then the Pulumi file", src: Source{Getenv: env("AWS_WEB_IDENTITY_TOKEN_FILE", awsFile), DefaultFile: defaultFile},
			wantSub: "from-default-file", wantOrigin: "file " + defaultFile},
		{name: "default: then AWS_WEB_IDENTITY_TOKEN_FILE", src: Source{Getenv: env("AWS_WEB_IDENTITY_TOKEN_FILE", awsFile), DefaultFile: missing},
			wantSub: "from-aws-file", wantOrigin: "file " + awsFile + " (AWS_WEB_IDENTITY_TOKEN_FILE)"},
		{name: "default: AWS_WEB_IDENTITY_TOKEN_FILE missing", src: Source{Getenv: env("AWS_WEB_IDENTITY_TOKEN_FILE", missing), DefaultFile: filepath.Join(dir, "none")},
			wantKind: KindToken, wantMsg: []string{missing, "does not exist"}},
		{name: "nothing found", src: Source{Getenv: env(), DefaultFile: missing},
			wantKind: KindToken, wantMsg: []string{"no OIDC token found", "PULUMI_OIDC_TOKEN", missing, "AWS_WEB_IDENTITY_TOKEN_FILE", "--token-file", "--token-env"}},
		{name: "missing file", src: Source{File: missing, Getenv: all},
			wantKind: KindToken, wantMsg: []string{missing, "does not exist"}},
		{name: "unreadable file", src: Source{File: subdir, Getenv: all},
			wantKind: KindToken, wantMsg: []string{"cannot read the token file " + subdir}},
		{name: "unreadable default file", src: Source{Getenv: env(), DefaultFile: subdir},
			wantKind: KindToken, wantMsg: []string{"cannot read the token file " + subdir}},
		{name: "file is not a token", src: Source{File: garbageFile, Getenv: all},
			wantKind: KindToken, wantMsg: []string{"file " + garbageFile, "not a JWT"}},
		{name: "empty env token", src: Source{Getenv: env("PULUMI_OIDC_TOKEN", "  \n"), DefaultFile: defaultFile},
			wantKind: KindToken, wantMsg: []string{"PULUMI_OIDC_TOKEN is empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := tc.src.Load()
			if tc.wantKind != 0 {
				e := wantKind(t, err, tc.wantKind)
				for _, want := range tc.wantMsg {
					if !strings.Contains(e.Error(), want) {
						t.Errorf("message %q does not contain %q", e.Error(), want)
					}
				}
				for _, raw := range []string{tokEnv, tokDefault, tokAWS, tokFlag, tokStdin, tokNamed} {
					noLeak(t, "the message", e.Error(), raw)
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
	src := Source{File: p}
	for _, sub := range []string{"first", "second"} {
		if err := os.WriteFile(p, []byte(makeJWT(t, `{"sub":"`+sub+`"}`)), 0o600); err != nil {
			t.Fatal(err)
		}
		tok, err := src.Load()
		if err != nil {
			t.Fatal(err)
		}
		if tok.Claims.Subject != sub {
			t.Errorf("sub = %q, want %q", tok.Claims.Subject, sub)
		}
	}
}

// A huge input is bounded rather than read whole.
func TestSourceLoadBounded(t *testing.T) {
	big := io.MultiReader(strings.NewReader(makeJWT(t, `{"sub":"x"}`)), strings.NewReader(strings.Repeat("A", 2*maxTokenFile)))
	tok, err := Source{File: "-", Stdin: big}.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(tok.Raw) > maxTokenFile {
		t.Errorf("read %d bytes, more than the bound %d", len(tok.Raw), maxTokenFile)
	}
}
