package awsconfig

import (
	"strings"
	"unicode/utf8"
)

// The files are read the way botocore reads them: Python's configparser
// (RawConfigParser with its defaults: strict, delimiters = and :, full-line
// comments # and ;, no inline comments, blank lines kept in values) over the
// file opened in text mode (UTF-8, universal newlines).

// line is one line as Python reads it: split after \n, \r\n or a lone \r.
type line struct {
	text, eol string
}

func splitLines(s string) []line {
	var ls []line
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			ls = append(ls, line{text: s})
			break
		}
		n := 1
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			n = 2
		}
		ls = append(ls, line{text: s[:i], eol: s[i : i+n]})
		s = s[i+n:]
	}
	return ls
}

// kind is what configparser makes of a line.
type kind uint8

const (
	blank   kind = iota // white space only
	comment             // first non-space character # or ;
	header              // [section]
	option              // key = value or key: value
	cont                // continues the value of the option before it
	bad                 // a problem (see file.problems)
)

// pline is a parsed line.
type pline struct {
	line
	kind   kind
	sect   int // index in file.sects of its section; -1 before the first header
	opt    int // option and cont lines: index in the section's opts
	indent int // leading white space, in characters (configparser's indent level)
}

type section struct {
	name    string
	headers []int // lines of its headers (the DEFAULT section may have several)
	opts    []*opt
	byKey   map[string][]*opt // opts by key, in order (a hostile file's size stays linear)
}

// opt is one option line and its value; end is its last continuation line.
type opt struct {
	key       string // lowercased, as optionxform does
	line, end int
	value     []string // configparser's value lines, joined by join
}

// join is the value configparser returns: the lines joined by \n, with
// trailing white space removed.
func (o *opt) join() string { return pyRstrip(strings.Join(o.value, "\n")) }

// file is a parsed config or credentials file.
type file struct {
	lines    []pline
	sects    []*section // in order of first appearance; DEFAULT among them
	problems []*Problem
	latent   []*Problem // DEFAULT's broken nested values, which no section inherits yet
}

// defaultSection is configparser's section whose options every section has.
const defaultSection = "DEFAULT"

// parse reads s as botocore does. Where botocore would give up it records a
// problem and goes on as a lenient configparser would (a repeated section
// continues the first, a repeated option replaces the value), so that every
// line is classified.
func parse(s string) *file {
	f := &file{}
	st := parseState{f: f, sect: -1, cur: -1}
	for i, l := range splitLines(s) {
		f.lines = append(f.lines, pline{line: l, sect: -1})
		st.line(i)
		if !utf8.ValidString(l.text) {
			f.problem(i, notUTF8, "", "", -1)
		} else if l.eol == "\r" {
			f.problem(i, loneCR, "", "", -1)
		}
	}
	f.checkNested()
	return f
}

type parseState struct {
	f      *file
	sect   int // current section, -1 before the first
	cur    int // current option in it, -1 for none
	indent int // indent level of the last option or header line
	seen   map[string]int
}

// line classifies line i, as RawConfigParser._read does.
func (st *parseState) line(i int) {
	f := st.f
	pl := &f.lines[i]
	pl.sect = st.sect
	value := pyStrip(pl.text)
	switch {
	case strings.HasPrefix(value, "#") || strings.HasPrefix(value, ";"):
		pl.kind = comment
		return
	case value == "":
		pl.kind = blank
		if o := st.curOpt(); o != nil {
			o.value = append(o.value, "")
		}
		return
	}
	pl.indent = strings.IndexFunc(pl.text, func(r rune) bool { return !pySpace(r) })
	pl.indent = utf8.RuneCountInString(pl.text[:pl.indent])
	if o := st.curOpt(); o != nil && pl.indent > st.indent {
		pl.kind, pl.opt = cont, st.cur
		o.value = append(o.value, value)
		o.end = i
		return
	}
	st.indent = pl.indent
	if end := strings.LastIndexByte(value, ']'); value[0] == '[' && end >= 2 {
		st.header(i, value[1:end])
		return
	}
	if st.sect < 0 {
		pl.kind = bad
		f.problem(i, noSection, "", "", -1)
		return
	}
	st.option(i, value)
}

func (st *parseState) curOpt() *opt {
	if st.sect < 0 || st.cur < 0 {
		return nil
	}
	return st.f.sects[st.sect].opts[st.cur]
}

func (st *parseState) header(i int, name string) {
	f := st.f
	f.lines[i].kind = header
	if st.seen == nil {
		st.seen = map[string]int{}
	}
	n, ok := st.seen[name]
	if !ok {
		n = len(f.sects)
		st.seen[name] = n
		f.sects = append(f.sects, &section{name: name, byKey: map[string][]*opt{}})
	} else if name != defaultSection {
		f.problem(i, dupSection, name, "", f.sects[n].headers[0])
	}
	f.sects[n].headers = append(f.sects[n].headers, i)
	f.lines[i].sect = n
	st.sect, st.cur = n, -1
}

func (st *parseState) option(i int, value string) {
	f := st.f
	pl := &f.lines[i]
	d := strings.IndexAny(value, "=:")
	if d < 0 {
		pl.kind = bad
		f.problem(i, notKeyValue, "", "", -1)
		return // configparser keeps its current option: later lines may continue it
	}
	key := pyLower(pyRstrip(value[:d]))
	s := f.sects[st.sect]
	if key == "" {
		f.problem(i, emptyKey, s.name, "", -1)
	}
	if prev := s.byKey[key]; len(prev) > 0 {
		f.problem(i, dupKey, s.name, key, prev[0].line)
	}
	pl.kind, pl.opt = option, len(s.opts)
	o := &opt{key: key, line: i, end: i, value: []string{pyStrip(value[d+1:])}}
	s.opts = append(s.opts, o)
	s.byKey[key] = append(s.byKey[key], o)
	st.cur = pl.opt
	if key == "" {
		st.cur = -1 // an empty name is false to configparser: nothing continues it
	}
}

// checkNested records the values botocore's raw_config_parse cannot read:
// one that starts on the next line (s3 = and indented lines) is a nested
// block, each of whose non-blank lines must hold an =. An option of DEFAULT
// counts where a section inherits it; until then it is latent.
func (f *file) checkNested() {
	for _, s := range f.sects {
		for _, o := range s.opts {
			if nestedOK(o.join()) {
				continue
			}
			f.problem(o.line, badNested, s.name, o.key, -1)
			if s.name == defaultSection && !f.inherited(o.key) {
				n := len(f.problems) - 1
				f.latent = append(f.latent, f.problems[n])
				f.problems = f.problems[:n]
			}
		}
	}
}

// inherited is whether some section takes key from DEFAULT.
func (f *file) inherited(key string) bool {
	for _, s := range f.sects {
		if s.name != defaultSection && s.opt(key) == nil {
			return true
		}
	}
	return false
}

// opt is the section's last option key (the one configparser keeps), or nil.
func (s *section) opt(key string) *opt {
	if os := s.byKey[key]; len(os) > 0 {
		return os[len(os)-1]
	}
	return nil
}

// nestedOK is whether botocore's _parse_nested accepts v (when it is nested).
func nestedOK(v string) bool {
	if !strings.HasPrefix(v, "\n") {
		return true
	}
	for _, l := range pySplitLines(v) {
		if l = pyStrip(l); l != "" && !strings.Contains(l, "=") {
			return false
		}
	}
	return true
}

// pySplitLines is str.splitlines.
func pySplitLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029", r)
	})
}

// profileSections are the indexes of the sections botocore reads as profile
// name (config file) or, with creds, the section named name (credentials
// file); the last one is the one botocore uses.
func (f *file) profileSections(name string, creds bool) []int {
	var idx []int
	for i, s := range f.sects {
		if s.name == defaultSection {
			continue
		}
		if p, ok := botoProfile(s.name); (creds && s.name == name) || (!creds && ok && p == name) {
			idx = append(idx, i)
		}
	}
	return idx
}
