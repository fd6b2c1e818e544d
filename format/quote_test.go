package format

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestQuoteSh(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", `''`},
		{"abc", `'abc'`},
		{"wJalr/K7+MDENG=", `'wJalr/K7+MDENG='`},
		{"'", `''\'''`},
		{"it's", `'it'\''s'`},
		{`$(id) ${HOME} "x" \ ` + "`id`", `'$(id) ${HOME} "x" \ ` + "`id`'"},
		{"a\nb", "'a\nb'"},
		{"‘’", "'‘’'"},
	} {
		if got := QuoteSh(tt.in); got != tt.want {
			t.Errorf("QuoteSh(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQuoteFish(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", `''`},
		{"abc", `'abc'`},
		{"'", `'\''`},
		{`\`, `'\\'`},
		{`a\'b`, `'a\\\'b'`},
		{`\n$HOME "x"` + "\n", `'\\n$HOME "x"` + "\n'"},
		{"(echo x); set", "'(echo x); set'"},
	} {
		if got := QuoteFish(tt.in); got != tt.want {
			t.Errorf("QuoteFish(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQuotePowerShell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", `''`},
		{"abc", `'abc'`},
		{"'", `''''`},
		{"it's", `'it''s'`},
		{"‘x’", "'‘‘x’’'"},
		{"‚‛", "'‚‚‛‛'"},
		{"“”", "'“”'"}, // double-quote characters are literal in single quotes
		{"$Env:HOME `n $(x) \"", "'$Env:HOME `n $(x) \"'"},
		{"a\nb", "'a' + \"`n\" + 'b'"},
		{"a\r\nb'", "'a' + \"`r`n\" + 'b'''"},
		{"\n", "\"`n\""},
		{"\nx\r", "\"`n\" + 'x' + \"`r\""},
		{"\xff'\xe2\x80", "'\xff''\xe2\x80'"}, // invalid UTF-8 is copied, not replaced
	} {
		if got := QuotePowerShell(tt.in); got != tt.want {
			t.Errorf("QuotePowerShell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQuoteCmd(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", `""`},
		{"X=abc", `"X=abc"`},
		{"X=wJalr/K7+MDENG=", `"X=wJalr/K7+MDENG="`},
		{"X=a&b|c<d>e^f(g)", `"X=a&b|c<d>e^f(g)"`},
		{"X= a\tb ", "\"X= a\tb \""},
		{"X='$x'", `"X='$x'"`},
	} {
		got, err := QuoteCmd(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("QuoteCmd(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"a\nb", "a\rb", `a"b`, "100%", "%PATH%", "hi!", "\x00", "\x1b", "\x7f", "é", "\xff"} {
		got, err := QuoteCmd(in)
		if !errors.Is(err, ErrUnsupportedValue) {
			t.Errorf("QuoteCmd(%q) = %q, %v; want ErrUnsupportedValue", in, got, err)
		}
	}
}

func TestQuoteDotenv(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{"wJalr/K7+MDENG=", `"wJalr/K7+MDENG="`},
		{"a\nb\r", `"a\nb\r"`},
		{"it's # `x`", "\"it's # `x`\""},
		{"$", `"$"`},
		{"a$", `"a$"`},
		{"$1 $- $ $. $(", `"$1 $- $ $. $("`},
		{"‘é’\t", "\"‘é’\t\""},
	} {
		got, err := QuoteDotenv(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("QuoteDotenv(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{`\`, `a\nb`, `"`, "$HOME", "$home", "${HOME}", "$_", "$$", "${", "\x00", "\xff"} {
		got, err := QuoteDotenv(in)
		if !errors.Is(err, ErrUnsupportedValue) {
			t.Errorf("QuoteDotenv(%q) = %q, %v; want ErrUnsupportedValue", in, got, err)
		}
	}
}

// The reference readers below follow each syntax's documented rules, written
// independently of the quoting functions. Each returns the value of the
// variable a statement sets, and fails on anything the quoting functions
// should never produce.

// readSh reads `export NAME=WORD` where WORD is made of single-quoted
// strings (no escapes inside) and backslash-escaped characters.
func readSh(stmt, name string) (string, error) {
	rest, ok := strings.CutPrefix(stmt, "export "+name+"=")
	if !ok {
		return "", fmt.Errorf("not an export of %s: %q", name, stmt)
	}
	var b strings.Builder
	for rest != "" {
		switch rest[0] {
		case '\'':
			end := strings.IndexByte(rest[1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("unterminated single quote")
			}
			b.WriteString(rest[1 : 1+end])
			rest = rest[2+end:]
		case '\\':
			if len(rest) < 2 || rest[1] == '\n' {
				return "", fmt.Errorf("dangling backslash")
			}
			b.WriteByte(rest[1])
			rest = rest[2:]
		default:
			return "", fmt.Errorf("unquoted %q", rest[0])
		}
	}
	return b.String(), nil
}

// readFish reads `set -gx NAME 'string';` where, inside the single quotes,
// \\ is \ and \' is ', and any other character (a backslash before anything
// else included) is itself.
func readFish(stmt, name string) (string, error) {
	rest, ok := strings.CutPrefix(stmt, "set -gx "+name+" '")
	if !ok {
		return "", fmt.Errorf("not a set of %s: %q", name, stmt)
	}
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c == '\\' && i+1 < len(rest) && (rest[i+1] == '\\' || rest[i+1] == '\''):
			b.WriteByte(rest[i+1])
			i++
		case c == '\'':
			if rest[i+1:] != ";" {
				return "", fmt.Errorf("trailing %q after the string", rest[i+1:])
			}
			return b.String(), nil
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated single quote")
}

// readPowerShell reads `$Env:NAME = EXPR` where EXPR is one or more terms
// joined by " + ": a single-quoted string, in which any of ' ‘ ’ ‚ ‛ ends
// the string unless the next character is also one of them (the pair then
// stands for the second), or a double-quoted string of `r and `n only.
func readPowerShell(stmt, name string) (string, error) {
	rest, ok := strings.CutPrefix(stmt, "$Env:"+name+" = ")
	if !ok {
		return "", fmt.Errorf("not an assignment of %s: %q", name, stmt)
	}
	isQuote := func(r rune) bool { return r == '\'' || r == '‘' || r == '’' || r == '‚' || r == '‛' }
	rs := []rune(rest)
	var b strings.Builder
	for i := 0; ; {
		if i >= len(rs) {
			return "", fmt.Errorf("missing term")
		}
		switch rs[i] {
		case '\'':
			i++
			for {
				if i >= len(rs) {
					return "", fmt.Errorf("unterminated single quote")
				}
				r := rs[i]
				if isQuote(r) {
					if i+1 < len(rs) && isQuote(rs[i+1]) {
						b.WriteRune(rs[i+1])
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteRune(r)
				i++
			}
		case '"':
			i++
			for i+1 < len(rs) && rs[i] == '`' && (rs[i+1] == 'r' || rs[i+1] == 'n') {
				b.WriteByte(map[rune]byte{'r': '\r', 'n': '\n'}[rs[i+1]])
				i += 2
			}
			if i >= len(rs) || rs[i] != '"' {
				return "", fmt.Errorf("unexpected double-quoted content")
			}
			i++
		default:
			return "", fmt.Errorf("unexpected %q", rs[i])
		}
		if i == len(rs) {
			return b.String(), nil
		}
		if i+3 > len(rs) || string(rs[i:i+3]) != " + " {
			return "", fmt.Errorf("unexpected %q after a term", string(rs[i:]))
		}
		i += 3
	}
}

// readCmd reads `set "NAME=value"`: everything between the quotes is
// literal, and must hold none of the characters cmd would act on or cannot
// carry.
func readCmd(stmt, name string) (string, error) {
	rest, ok := strings.CutPrefix(stmt, `set "`+name+"=")
	if !ok || !strings.HasSuffix(rest, `"`) {
		return "", fmt.Errorf("not a set of %s: %q", name, stmt)
	}
	v := strings.TrimSuffix(rest, `"`)
	if cmdCannotCarry(v) {
		return "", fmt.Errorf("value holds characters cmd cannot carry")
	}
	return v, nil
}

var cmdUnsafe = regexp.MustCompile(`["%!]|[^\t\x20-\x7e]`)

// cmdCannotCarry is QuoteCmd's documented refusal rule.
func cmdCannotCarry(v string) bool {
	return cmdUnsafe.MatchString(v)
}

// dotenvUnsafe is QuoteDotenv's documented refusal rule.
var dotenvUnsafe = regexp.MustCompile(`[\\"\x00]|\$[A-Za-z_{$]`)

var interpolated = regexp.MustCompile(`^\$[A-Za-z_{$]`)

// readDotenv reads NAME="value" by QuoteDotenv's documented rules: \n and \r
// are the only escapes, and nothing in the value would be interpolated.
func readDotenv(stmt, name string) (string, error) {
	rest, ok := strings.CutPrefix(stmt, name+`="`)
	if !ok {
		return "", fmt.Errorf("not an assignment of %s: %q", name, stmt)
	}
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; c {
		case '\\':
			if i+1 < len(rest) && (rest[i+1] == 'n' || rest[i+1] == 'r') {
				b.WriteByte(map[byte]byte{'n': '\n', 'r': '\r'}[rest[i+1]])
				i++
				continue
			}
			return "", fmt.Errorf("escape other than \\n or \\r")
		case '"':
			if i != len(rest)-1 {
				return "", fmt.Errorf("trailing %q", rest[i+1:])
			}
			return b.String(), nil
		case '\n', '\r':
			return "", fmt.Errorf("raw line break")
		case '$':
			if interpolated.MatchString(rest[i:]) {
				return "", fmt.Errorf("$ that would be interpolated")
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated double quote")
}

var readers = map[string]func(stmt, name string) (string, error){
	"sh":         readSh,
	"fish":       readFish,
	"powershell": readPowerShell,
	"cmd":        readCmd,
	"dotenv":     readDotenv,
}

// statement writes the single statement setting name to value.
func statement(format, name, value string) (string, error) {
	var b strings.Builder
	if err := WriteVars(&b, format, []Var{{name, value}}); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// refuses reports whether format's documented rules refuse value.
func refuses(format, value string) bool {
	switch format {
	case "cmd":
		return cmdCannotCarry(value)
	case "powershell":
		return !validUTF8(value)
	case "dotenv":
		return dotenvUnsafe.MatchString(value) || !validUTF8(value)
	}
	return false
}

// TestReferenceRoundTrip writes every hostile value in every format and reads
// it back with the reference readers, or checks that the format refuses it
// by its documented rules, with an error naming the variable but not the
// value.
func TestReferenceRoundTrip(t *testing.T) {
	if len(readers) != len(Formats()) {
		t.Fatalf("readers cover %d formats, Formats() has %d", len(readers), len(Formats()))
	}
	for _, format := range Formats() {
		for _, h := range hostile {
			t.Run(format+"/"+h.name, func(t *testing.T) {
				stmt, err := statement(format, "MY_VAR", h.value)
				if refuses(format, h.value) {
					if !errors.Is(err, ErrUnsupportedValue) {
						t.Fatalf("got %q, %v; want ErrUnsupportedValue", stmt, err)
					}
					msg := err.Error()
					if !strings.Contains(msg, "MY_VAR") || !strings.Contains(msg, "use format ") {
						t.Errorf("error %q does not name the variable and suggest another format", msg)
					}
					if len(h.value) > 2 && strings.Contains(msg, h.value) {
						t.Errorf("error %q contains the value", msg)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if format != "sh" && format != "fish" && strings.ContainsAny(stmt, "\r\n") {
					t.Errorf("statement spans lines: %q", stmt)
				}
				got, err := readers[format](stmt, "MY_VAR")
				if err != nil {
					t.Fatalf("reading %q: %v", stmt, err)
				}
				if got != h.value {
					t.Errorf("read back %q from %q, want %q", got, stmt, h.value)
				}
			})
		}
	}
}

// FuzzQuoteReference checks every format against its reference reader for
// arbitrary values. It needs no shell.
func FuzzQuoteReference(f *testing.F) {
	for _, h := range hostile {
		if len(h.value) < 200 {
			f.Add(h.value)
		}
	}
	f.Fuzz(func(t *testing.T, value string) {
		if strings.IndexByte(value, 0) >= 0 {
			return
		}
		for _, format := range Formats() {
			stmt, err := statement(format, "V", value)
			if refuses(format, value) {
				if !errors.Is(err, ErrUnsupportedValue) {
					t.Fatalf("%s: got %q, %v; want ErrUnsupportedValue", format, stmt, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			got, err := readers[format](stmt, "V")
			if err != nil {
				t.Fatalf("%s: reading %q: %v", format, stmt, err)
			}
			if got != value {
				t.Fatalf("%s: read back %q from %q, want %q", format, got, stmt, value)
			}
		}
	})
}
