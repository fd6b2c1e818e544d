package awsconfig

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// splitPOSIX splits a command line the way Python's shlex.split (POSIX
// mode, botocore's credential_process on unix) does: white space separates
// words; '…' is literal; "…" is literal except \ before " \ $ ` and a line
// break; outside quotes \ escapes any character.
func splitPOSIX(s string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool // inside a word
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case c == '\'':
			in = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("no closing quotation")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			in = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("no closing quotation")
			}
		case c == '\\':
			in = true
			if i+1 >= len(s) {
				return nil, fmt.Errorf("no escaped character")
			}
			i++
			cur.WriteByte(s[i])
		default:
			in = true
			cur.WriteByte(c)
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

var hostile = []string{
	"/opt/my tools/oidc-creds", "process", "--role-arn", "arn:aws:iam::123456789012:role/deploy",
	"--policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
	"--token-file", "/tmp/it's here/$HOME/`x`/a\\b/\"q\"", "--cache-dir", "/tmp/ünïcode dir", "--session-name", "a=b,c@d",
	"*", "?", "~", "!x", "a&b|c;d", "(x)", "{a,b}", "'", "''", `\`, "%PATH%", "-", "tab\there",
}

func TestCommandLinePOSIX(t *testing.T) {
	line, err := CommandLine(hostile, "linux")
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(line, "'") || strings.HasPrefix(line, `"`) {
		t.Errorf("line starts with a quote, which the Go SDK's INI reader strips: %s", line)
	}
	got, err := splitPOSIX(line)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", hostile) {
		t.Errorf("shlex split of\n%s\n= %q\nwant %q", line, got, hostile)
	}
	// Plain words stay plain.
	plain, _ := CommandLine([]string{"/usr/local/bin/oidc-creds", "process", "--role-arn", "arn:aws:iam::123456789012:role/deploy", "--duration", "2h"}, "linux")
	if plain != "/usr/local/bin/oidc-creds process --role-arn arn:aws:iam::123456789012:role/deploy --duration 2h" {
		t.Errorf("plain line = %s", plain)
	}
}

// The line as sh -c runs it (the Go and JavaScript SDKs) and as Python's
// shlex splits it (botocore, the AWS CLI), when they are installed.
func TestCommandLineRealSplitters(t *testing.T) {
	line, err := CommandLine(append([]string{"printf", "%s\\0"}, hostile...), "linux")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(append([]string{"%s\\0"}, hostile...)[1:], "\x00") + "\x00"
	if sh, err := exec.LookPath("sh"); err == nil {
		out, err := exec.Command(sh, "-c", line).Output()
		if err != nil {
			t.Fatalf("sh -c: %v", err)
		}
		if string(out) != want {
			t.Errorf("sh -c printed %q, want %q", out, want)
		}
	}
	if py, err := exec.LookPath("python3"); err == nil {
		out, err := exec.Command(py, "-c", "import shlex,sys; sys.stdout.write('\\0'.join(shlex.split(sys.argv[1]))+'\\0')", line).Output()
		if err != nil {
			t.Fatalf("python3 shlex: %v", err)
		}
		if want := "printf\x00%s\\0\x00" + want; string(out) != want {
			t.Errorf("shlex.split gave %q, want %q", out, want)
		}
	}
}

func TestCommandLineRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		goos string
		want string
	}{
		{[]string{"x", ""}, "linux", "empty"},
		{[]string{"x", "a\nb"}, "linux", "line break"},
		{[]string{"x", "a #b"}, "linux", "comment"},
		{[]string{"x", "a\t;b"}, "linux", "comment"},
		{[]string{`C:\Program Files\oidc-creds.exe`, "process"}, "windows", "Windows"},
		{[]string{`C:\bin\oidc-creds.exe`, "--policy", `{"a":1}`}, "windows", `holds "{"`},
	} {
		_, err := CommandLine(tc.args, tc.goos)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CommandLine(%q, %s) = %v, want an error about %q", tc.args, tc.goos, err, tc.want)
		}
	}
	line, err := CommandLine([]string{`C:\Users\me\bin\oidc-creds.exe`, "process", "--role-arn", "arn:aws:iam::123456789012:role/deploy"}, "windows")
	if err != nil || line != `C:\Users\me\bin\oidc-creds.exe process --role-arn arn:aws:iam::123456789012:role/deploy` {
		t.Errorf("windows line = %q, %v", line, err)
	}
}
