package format

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// QuoteSh quotes s as one POSIX shell word (sh, bash, zsh, dash, ksh): s in
// single quotes, with each ' written as
//
//	'\''
//
// (end the quotes, an escaped quote, quotes again). The shell reads every
// byte inside single quotes literally, newlines and invalid UTF-8 included,
// so the word evaluates to s byte for byte. s must not contain NUL, which no
// shell variable can hold.
func QuoteSh(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// QuoteFish quotes s as one fish word: s in single quotes, with \ written as
// \\ and ' as \' (the only two escapes fish knows inside single quotes; every
// other character, newlines included, is literal). s must not contain NUL.
func QuoteFish(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// powerShellQuotes are the characters PowerShell accepts as a single quote:
// ' and the typographic ‘ ’ ‚ ‛. Inside a single-quoted string any of them
// ends the string unless it is followed by another of them, so each is
// written twice.
const powerShellQuotes = "'\u2018\u2019\u201a\u201b"

// QuotePowerShell returns a PowerShell expression that evaluates to s: s in
// single quotes, with every single-quote character (', ‘, ’, ‚, ‛) doubled.
// Line breaks are kept out of the quotes, so that the expression stays on
// one line: a value with line breaks is written as a concatenation such as
// 'a' + "`r`n" + 'b'. s must not contain NUL; bytes that are not valid
// UTF-8 are copied as they are, but PowerShell, whose strings are UTF-16,
// cannot read them back (WriteVars refuses such values).
func QuotePowerShell(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return quotePowerShellLine(s)
	}
	var parts []string
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			parts = append(parts, quotePowerShellLine(s))
			break
		}
		if i > 0 {
			parts = append(parts, quotePowerShellLine(s[:i]))
		}
		var b strings.Builder
		b.WriteByte('"')
		for ; i < len(s) && (s[i] == '\r' || s[i] == '\n'); i++ {
			if s[i] == '\r' {
				b.WriteString("`r")
			} else {
				b.WriteString("`n")
			}
		}
		b.WriteByte('"')
		parts = append(parts, b.String())
		s = s[i:]
	}
	return strings.Join(parts, " + ")
}

func quotePowerShellLine(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for s != "" {
		r, size := utf8.DecodeRuneInString(s)
		if r != utf8.RuneError && strings.ContainsRune(powerShellQuotes, r) {
			b.WriteString(s[:size])
		}
		b.WriteString(s[:size])
		s = s[size:]
	}
	b.WriteByte('\'')
	return b.String()
}

// QuoteCmd returns s in double quotes for cmd.exe, as in set "NAME=value",
// where everything between the quotes is taken literally, & | < > ^ ( )
// and spaces included. It refuses, with an error wrapping
// ErrUnsupportedValue, what cmd cannot carry there:
//
//   - line feed and carriage return: a line ends the command;
//   - ": it would end the quoting;
//   - %: cmd expands %NAME% even inside quotes, in scripts and on the
//     command line alike, and has no escape that works in both;
//   - !: expanded as !NAME! when delayed expansion is on;
//   - other control characters and anything outside ASCII: a batch file or
//     a for /f loop decodes them with the console code page, not UTF-8.
//
// Real AWS credentials never contain these characters.
func QuoteCmd(s string) (string, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' || c == '%' || c == '!' || c == 0x7f || c >= 0x80 || (c < 0x20 && c != '\t') {
			return "", fmt.Errorf("%w: cmd cannot carry line breaks, \", %%, !, control characters or non-ASCII characters", ErrUnsupportedValue)
		}
	}
	return `"` + s + `"`, nil
}

// QuoteDotenv returns s as a double-quoted .env value that docker compose
// (env_file and --env-file), python-dotenv (with its default interpolation)
// and node's dotenv all read back as exactly s. These parsers share little:
//
//   - compose decodes the Go-like escapes \\ \" \n \r \t \$ (and others),
//     and interpolates $NAME, ${NAME…} and $$ (which stands for $), also
//     after a \$ has been decoded to $$;
//   - python-dotenv decodes \\ \' \" \n \r \t \a \b \f \v, interpolates
//     ${NAME} and ${NAME:-default} (not $NAME), and has no escape for $;
//   - node's dotenv decodes only \n and \r, keeps every other backslash
//     sequence verbatim, and interpolates nothing.
//
// So the only escapes all three understand are \n and \r, and no form of $
// survives all three when compose or python-dotenv would interpolate it:
// \$ and $$ mean $ to compose but stay two characters in python-dotenv and
// node. The rules, then:
//
//   - line feed is written \n and carriage return \r;
//   - every other character is written as it is, $ included;
//   - s is refused, with an error wrapping ErrUnsupportedValue, when it
//     contains a backslash or a double quote (node's dotenv cannot carry
//     them: \\ and \" read back as two characters there), a $ followed by
//     a letter, _, { or $ (compose or python-dotenv would interpolate it;
//     a $ followed by anything else, or at the end, is literal in all
//     three), NUL, or invalid UTF-8 (python-dotenv cannot read the file,
//     node's dotenv replaces it).
//
// These rules were checked against the parsers of compose-go v2.16.2,
// python-dotenv 1.2.2 and dotenv 18.0.10 from npm. Real AWS credentials
// (letters, digits, + / =) never hit these limits.
// `docker run --env-file` is not a dotenv parser: it takes NAME=value lines
// literally, quotes included, and cannot read this format.
func QuoteDotenv(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", dotenvRefusal()
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\\', '"', 0:
			return "", dotenvRefusal()
		case '$':
			if i+1 < len(s) && dotenvInterpolated(s[i+1]) {
				return "", dotenvRefusal()
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}

// dotenvInterpolated reports whether a $ followed by c starts an
// interpolation (or compose's $$) in some dotenv parser.
func dotenvInterpolated(c byte) bool {
	return c == '_' || c == '{' || c == '$' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}

func dotenvRefusal() error {
	return fmt.Errorf("%w: a portable .env value cannot contain \\, \", NUL, invalid UTF-8, or $ followed by a letter, _, { or $", ErrUnsupportedValue)
}
