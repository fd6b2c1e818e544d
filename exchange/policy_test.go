package exchange

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

const testPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`

func TestLoadPolicy(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(file, []byte("\n  "+testPolicy+"\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(dir, "not.json")
	if err := os.WriteFile(notJSON, []byte("Version: 2012-10-17\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	// Policies of exactly and just over the limit, counted in characters.
	pad := func(r string, runes int) string {
		// {"x":"…"} is 8 characters around the padding.
		return `{"x":"` + strings.Repeat(r, runes-8) + `"}`
	}
	ascii2048, ascii2049 := pad("a", 2048), pad("a", 2049)
	multi2048, multi2049 := pad("é", 2048), pad("日", 2049)
	if utf8.RuneCountInString(multi2048) != 2048 || len(multi2048) <= 2048 || utf8.RuneCountInString(ascii2049) != 2049 {
		t.Fatal("test policies have the wrong length")
	}

	for _, tc := range []struct {
		name, in, want, wantErr string
	}{
		{"none", "", "", ""},
		{"inline", testPolicy, testPolicy, ""},
		{"inline trimmed", "  " + testPolicy + "\n", testPolicy, ""},
		{"file", "@" + file, testPolicy, ""},
		{"missing file", "@" + filepath.Join(dir, "nope.json"), "", "cannot read the session policy file"},
		{"file is not JSON", "@" + notJSON, "", "not valid JSON"},
		{"empty file", "@" + empty, "", "not valid JSON"},
		{"not JSON", "Allow everything", "", "not valid JSON"},
		{"truncated JSON", testPolicy[:40], "", "not valid JSON"},
		{"JSON array", "[" + testPolicy + "]", "", "not an object"},
		{"JSON string", `"policy"`, "", "not an object"},
		{"JSON null", `null`, "", "not an object"},
		{"2048 ASCII characters", ascii2048, ascii2048, ""},
		{"2049 ASCII characters", ascii2049, "", "2049 characters"},
		{"2048 multibyte characters", multi2048, multi2048, ""},
		{"2049 multibyte characters", multi2049, "", "2049 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadPolicy(context.Background(), tc.in, "the inline policy")
			if tc.wantErr != "" {
				e := testkit.WantKind(t, err, creds.KindInput)
				if !strings.Contains(e.Error(), tc.wantErr) {
					t.Errorf("message %q does not contain %q", e.Error(), tc.wantErr)
				}
				if strings.Contains(tc.in, "@") && !strings.Contains(e.Error(), strings.TrimPrefix(tc.in, "@")) {
					t.Errorf("message %q does not name the file", e.Error())
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadPolicy: %v", err)
			}
			if got != tc.want {
				t.Errorf("LoadPolicy(%.40q) = %.40q, want %.40q", tc.in, got, tc.want)
			}
		})
	}
}
