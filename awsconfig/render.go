package awsconfig

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// render writes the file with the plan applied.
func (p *editPlan) render(f *file, c change) []byte {
	eol := fileEOL(f)
	var b strings.Builder
	lastText, lastEOL := "", ""
	write := func(text, le string) {
		b.WriteString(text)
		b.WriteString(le)
		lastText, lastEOL = text, le
	}
	for i, l := range f.lines {
		if p.drop[i] {
			continue
		}
		text, le := l.text, l.eol
		if r, ok := p.replace[i]; ok {
			text, le = r, p.eol[i]
		}
		ins := p.inserts[i]
		if ins == nil {
			write(text, le)
			continue
		}
		end := eol // the inserted lines end as this one did
		if le == "" {
			le, end = eol, ""
		}
		write(text, le)
		for n, kv := range ins.kvs {
			le := eol
			if n == len(ins.kvs)-1 {
				le = end
			}
			write(ins.indent+kv.Key+" = "+kv.Value, le)
		}
	}
	if len(p.section) > 0 {
		if b.Len() > 0 && lastEOL == "" {
			b.WriteString(eol)
		}
		if b.Len() > 0 && pyStrip(lastText) != "" {
			b.WriteString(eol)
		}
		b.WriteString(c.header() + eol)
		for _, kv := range p.section {
			b.WriteString(kv.Key + " = " + kv.Value + eol)
		}
	}
	return []byte(b.String())
}

func (c change) header() string {
	if c.creds {
		return "[" + c.name + "]"
	}
	return SectionHeader(c.name)
}

// goValue is the value aws-sdk-go-v2 reads from a key = value line: after
// the first = or :, up to a # or ; that follows white space, trimmed, and
// without the quotes around it.
func goValue(text string) string {
	i := strings.IndexAny(text, "=:")
	if i < 0 {
		return ""
	}
	return goUnquote(strings.TrimSpace(goCutComment(text[i+1:])))
}

// goCutComment cuts s at aws-sdk-go-v2's comment of a key = value line: #
// or ; after white space.
func goCutComment(s string) string {
	for _, c := range []string{" #", " ;", "\t#", "\t;"} {
		s, _, _ = strings.Cut(s, c)
	}
	return s
}

// lowerKey reports whether k is a key name of [a-z0-9_]+.
func lowerKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return k != ""
}

func (c change) check() error {
	if !ValidProfileName(c.name) || (c.creds && c.name == defaultSection) {
		return &ValueError{Key: "", Value: c.name, Problem: "is not a profile name that botocore and aws-sdk-go-v2 both read back"}
	}
	for _, kv := range c.set {
		if err := checkValue(kv); err != nil {
			return err
		}
	}
	for _, k := range c.remove {
		if !lowerKey(k) {
			return &ValueError{Key: k, Problem: "is not a lowercase key"}
		}
	}
	return nil
}

// checkValue refuses what the SDKs would not read back as written: a line
// break or other control character, white space around it, white space
// before # or ; (aws-sdk-go-v2's comments), quotes around it (which it
// strips).
func checkValue(kv KeyValue) error {
	v := kv.Value
	bad := func(problem string) error { return &ValueError{Key: kv.Key, Value: v, Problem: problem} }
	switch {
	case !lowerKey(kv.Key):
		return &ValueError{Key: kv.Key, Problem: "is not a lowercase key"}
	case v == "":
		return bad("is empty")
	case !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0:
		return bad("holds a line break or another control character")
	case pyStrip(v) != v:
		return bad("starts or ends with white space")
	case strings.Contains(v, " #") || strings.Contains(v, " ;") || strings.Contains(v, "\t#") || strings.Contains(v, "\t;"):
		return bad("holds white space before # or ;, where aws-sdk-go-v2 sees a comment")
	case goValue("k="+v) != v:
		return bad("is in quotes, which aws-sdk-go-v2 strips")
	}
	return nil
}

// ValueError is a name, key or value that cannot be written so that the
// SDKs read it back. Its message never holds the value, which may be a
// secret.
type ValueError struct {
	Key, Value string
	Problem    string
}

func (e *ValueError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("profile name %q %s", e.Value, e.Problem)
	}
	return fmt.Sprintf("the value of %s %s", e.Key, e.Problem)
}
