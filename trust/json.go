package trust

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
)

// encodeJSON indents v by two spaces, without HTML escaping (ESC's literal
// <yaml> subject stays readable), with a final newline. Every control and
// format character (Cc, Cf: DEL, C1 controls such as U+009B, U+200B, a
// bidirectional override, a byte-order mark), U+2028/U+2029 and whatever
// else is not printable (invisible) is written as a \u escape, which Go's
// encoder does only below U+0020: a claim holding one shows it, and cannot
// reorder or hide what the terminal shows.
func encodeJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // maps and slices of strings always encode
	return escapeInvisible(b.String())
}

// escapeInvisible writes the characters invisible reports as \u escapes.
// Applied to JSON text, whose syntax is ASCII, it changes only strings, and
// they decode to the same values.
func escapeInvisible(s string) string {
	if strings.IndexFunc(s, invisible) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !invisible(r) {
			b.WriteRune(r)
			continue
		}
		if r1, r2 := utf16.EncodeRune(r); r1 != unicode.ReplacementChar {
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		} else {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// invisible is whether r is a character that strconv.IsPrint rejects
// (controls, format characters, separators other than the space, private
// use, unassigned), other than the line break of encodeJSON's output: the
// rule of token --json too.
func invisible(r rune) bool {
	return r != '\n' && r != ' ' && !strconv.IsPrint(r)
}

// literal is a value taken as it is from a token, made safe for a
// condition: IAM replaces policy variables (${aws:userid}) in the values of
// StringEquals and StringLike, so "${" is written "${$}{", which IAM reads
// as a literal "${".
func literal(v string) string { return strings.ReplaceAll(v, "${", "${$}{") }
