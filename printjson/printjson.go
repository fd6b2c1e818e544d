// Package printjson writes JSON for a terminal and for scripts alike:
// indented by two spaces, without HTML escaping (a literal <yaml> subject
// stays readable), with a final newline, and with every character that
// strconv.IsPrint rejects — controls, format characters such as U+200B, a
// bidirectional override or a byte-order mark, U+2028/U+2029 — written as a
// \u escape, which encoding/json does only below U+0020. A value holding one
// shows it, and cannot reorder or hide what the terminal shows; the JSON
// decodes to the same values.
package printjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf16"
)

// Indent encodes v as described above.
func Indent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return escapeInvisible(b.Bytes()), nil
}

// escapeInvisible writes the characters invisible reports as \u escapes.
// Applied to JSON text, whose syntax is ASCII, it changes only strings.
func escapeInvisible(js []byte) []byte {
	if bytes.IndexFunc(js, invisible) < 0 {
		return js
	}
	var b bytes.Buffer
	for _, r := range string(js) {
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
	return b.Bytes()
}

// invisible is whether r is a character strconv.IsPrint rejects, other than
// the line break and the space of the encoder's own layout.
func invisible(r rune) bool {
	return r != '\n' && r != ' ' && !strconv.IsPrint(r)
}
