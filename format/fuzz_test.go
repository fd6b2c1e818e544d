package format

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// FuzzQuoteSh runs `sh -c "X=<QuoteSh(value)>; printf '%s' \"$X\""` and
// compares the output with the value. A plain `go test` runs only the seeds
// below (a dozen sh runs); `go test -fuzz FuzzQuoteSh ./format/` explores.
func FuzzQuoteSh(f *testing.F) {
	for _, seed := range []string{
		"", "plain", "'", `'\''`, `"$HOME"`, "$(id)", "`id`", `\`, "a\nb\r\n",
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+/=", "日本語 ‘’", "\xff\xfe", "\x01\x1b\x7f",
	} {
		f.Add(seed)
	}
	sh, lookErr := exec.LookPath("sh")
	f.Fuzz(func(t *testing.T, value string) {
		if lookErr != nil {
			t.Skip("sh is not installed")
		}
		if strings.IndexByte(value, 0) >= 0 {
			t.Skip("no shell variable can hold NUL")
		}
		if len(value) > 100_000 {
			t.Skip("too long for one command-line argument")
		}
		cmd := exec.Command(sh, "-c", "X="+QuoteSh(value)+`; printf '%s' "$X"`)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8"}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		got, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Fatalf("sh failed on %q: %v %s", QuoteSh(value), err, stderr.Bytes())
		}
		if string(got) != value {
			t.Fatalf("sh read back %q from %q, want %q", got, QuoteSh(value), value)
		}
	})
}
