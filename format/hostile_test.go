package format

import (
	"strings"
	"unicode/utf8"
)

// A session token shaped like a real one: long base64 with + / =.
var realisticToken = strings.Repeat("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+", 12) + "=="

// hostile are values that break careless quoting. None contains NUL, which
// no environment variable can hold.
var hostile = []struct {
	name, value string
}{
	{"empty", ""},
	{"single quote", "'"},
	{"quotes", `'"'"`},
	{"posix escaped quote", `'\''`},
	{"dollar", "$"},
	{"dollar at end", "a$"},
	{"dollar dollar", "$$"},
	{"dollar digit and punctuation", "$1 $- $ $. $?"},
	{"command substitution", "$(id)"},
	{"backticks", "`id`"},
	{"braced variable", "${HOME}"},
	{"variable", "$HOME"},
	{"underscore variable", "$_x"},
	{"unterminated brace", "${"},
	{"backslash", `\`},
	{"trailing backslash", `abc\`},
	{"backslash sequences", `\\ \n \' \" \$ \t`},
	{"double quote", `a"b`},
	{"spaces", "  leading and trailing  "},
	{"only spaces", "   "},
	{"tab", "a\tb\t"},
	{"newlines", "line1\nline2\n"},
	{"only newlines", "\n\n"},
	{"crlf and cr", "a\r\nb\r"},
	{"secret key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+/="},
	{"session token", realisticToken},
	{"unicode", "héllo wörld ✓ 🚀 日本語"},
	{"typographic quotes", "‘’‚‛“”„ ‘’"},
	{"lone typographic quote", "’"},
	{"glob and tilde", "* ? [a] ~ ~root"},
	{"operators", "a;b&&c||d|e>f<g"},
	{"comment", "# not a comment"},
	{"fish injection", "a'; set -gx PWNED 1; echo '"},
	{"sh injection", "'; touch /tmp/pwned; '"},
	{"powershell injection", "'; Remove-Item x; '"},
	{"percent and bang", "%PATH% !PATH!"},
	{"cmd metacharacters", "^&|<>()"},
	{"control characters", "\x01\x07\x1b[31m\x7f"},
	{"unicode line separators", "\u0085\u2028\u2029"},
	{"byte order mark", "\ufeffx"},
	{"equals", "=a=b="},
	{"invalid utf-8", "\xff\xfe\xc3("},
	{"very long", strings.Repeat("aB3+/='\"$\\\n\t ‘", 4000)},
}

// validUTF8 reports whether a value can be carried by syntaxes whose strings
// are Unicode text (PowerShell).
func validUTF8(s string) bool { return utf8.ValidString(s) }
