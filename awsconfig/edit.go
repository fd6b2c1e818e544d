package awsconfig

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// KeyValue is one setting of a profile.
type KeyValue struct{ Key, Value string }

// Edited is the outcome of an edit.
type Edited struct {
	Data       []byte
	Changed    bool // Data differs from the input
	DroppedBOM bool // the input started with a UTF-8 byte-order mark, which Data does not
	// GoMisreads is set when aws-sdk-go-v2 does not read the values set
	// from Data, as botocore does: the file has lines it reads otherwise
	// (an indented [section] header, a header such as [profilex NAME]).
	GoMisreads bool
	// Repeats are the lines of the input that set a key being set a second
	// time in its section (Credential_Process = a, then credential_process
	// = b): botocore refuses such a file, and the edit removed them. The
	// caller should say so.
	Repeats []Repeat
}

// Repeat is a line removed because it set Key again in its section.
type Repeat struct {
	Key   string
	Line  int // 1-based, in the input
	First int // 1-based line of the key's first setting there, which now holds the value
}

// bom is the UTF-8 byte-order mark Notepad writes. botocore refuses a file
// that starts with one (configparser sees no section header on line 1), and
// aws-sdk-go-v2 ignores the line it is on; so an edit drops it.
const bom = "\ufeff"

// Set sets key = value in profile name of the config file contents in.
// The profile is every section botocore reads as name ([default] or
// [profile default] for default, [profile NAME] however spaced or quoted):
// in each, the key's first line (with its continuation lines) is replaced in
// place, keeping its indentation, and later ones are removed; the section
// botocore uses (the last) gets the key after its last setting if it lacks
// it. A missing profile is appended as [profile NAME] ([default]). Every
// other byte is kept, but for a leading byte-order mark.
//
// It fails with a *Problem, writing nothing, when the result would hold a
// line that botocore cannot read (a repeated section, a duplicate key
// elsewhere, a setting before any section…); repeats of key in the profile
// are removed, not refused, and listed in Edited.Repeats. Bad arguments
// give a *ValueError.
func Set(in []byte, name, key, value string) (Edited, error) {
	return edit(in, change{name: name, set: []KeyValue{{key, value}}})
}

// SetCredentials sets the keys of set and removes the keys of remove in
// section [NAME] of the shared credentials file contents in, as Set does.
func SetCredentials(in []byte, name string, set []KeyValue, remove ...string) (Edited, error) {
	return edit(in, change{name: name, creds: true, set: set, remove: remove})
}

type change struct {
	name   string
	creds  bool // the credentials file: [NAME], not [profile NAME]
	set    []KeyValue
	remove []string
}

func edit(in []byte, c change) (Edited, error) {
	if err := c.check(); err != nil {
		return Edited{}, err
	}
	s, dropped := strings.CutPrefix(string(in), bom)
	f := parse(s)
	p := plan(f, c)
	for _, pr := range f.problems {
		if !p.rewrites(pr.Line - 1) {
			return Edited{}, pr
		}
	}
	out := p.render(f, c)
	if err := verify(out, c, f.latent); err != nil {
		return Edited{}, err
	}
	e := Edited{Data: out, Changed: !bytes.Equal(out, in), DroppedBOM: dropped, Repeats: p.repeats}
	g := goProfile(string(out), c.name, c.creds)
	for _, kv := range c.set {
		e.GoMisreads = e.GoMisreads || g[kv.Key] != kv.Value
	}
	return e, nil
}

// verify re-reads the result: it must be readable and hold the change. A
// broken value of DEFAULT that a new section would inherit is the input's
// problem (latent there).
func verify(out []byte, c change, latent []*Problem) error {
	f := parse(string(out))
	if len(f.problems) > 0 {
		for _, l := range latent {
			if p := f.problems[0]; p.kind == l.kind && p.section == l.section && p.key == l.key {
				return l
			}
		}
		return fmt.Errorf("internal error: the edited file would not be readable (%v); nothing written", f.problems[0])
	}
	idx := f.profileSections(c.name, c.creds)
	if len(idx) == 0 {
		return errors.New("internal error: the edited file lacks the profile; nothing written")
	}
	s := f.sects[idx[len(idx)-1]]
	for _, kv := range c.set {
		if o := s.opt(kv.Key); o == nil || o.join() != kv.Value {
			return fmt.Errorf("internal error: the edited file does not set %s; nothing written", kv.Key)
		}
	}
	return nil
}

// editPlan is what happens to each line of the parsed file.
type editPlan struct {
	drop    map[int]bool
	replace map[int]string // new text of the line
	eol     map[int]string // new line ending of a replaced line
	inserts map[int]*insertion
	section []KeyValue // the keys of a section appended at the end
	repeats []Repeat   // options dropped for setting a key of the change again
}

// insertion is lines added after a line.
type insertion struct {
	kvs    []KeyValue
	indent string
}

func (p *editPlan) rewrites(i int) bool {
	_, r := p.replace[i]
	return r || p.drop[i]
}

func plan(f *file, c change) *editPlan {
	p := &editPlan{drop: map[int]bool{}, replace: map[int]string{}, eol: map[int]string{}, inserts: map[int]*insertion{}}
	targets := f.profileSections(c.name, c.creds)
	for _, t := range targets {
		s := f.sects[t]
		for _, kv := range c.set {
			opts := s.optsOf(kv.Key)
			for n, o := range opts {
				if n == 0 {
					p.set(f, o, kv)
				} else {
					p.dropOpt(o)
					p.repeats = append(p.repeats, Repeat{Key: kv.Key, Line: o.line + 1, First: opts[0].line + 1})
				}
			}
		}
		for _, k := range c.remove {
			for _, o := range s.optsOf(k) {
				p.dropOpt(o)
			}
		}
	}
	if len(targets) == 0 {
		p.section = c.set
		return p
	}
	last := targets[len(targets)-1]
	p.insertInto(f, f.sects[last], c.set)
	if g, missing := goTarget(f, c, targets); g >= 0 && g != last {
		p.insertInto(f, f.sects[g], missing)
	}
	return p
}

// insertInto adds the keys of kvs that s lacks after s's last setting that
// stays (or its header).
func (p *editPlan) insertInto(f *file, s *section, kvs []KeyValue) {
	var missing []KeyValue
	for _, kv := range kvs {
		if len(s.optsOf(kv.Key)) == 0 {
			missing = append(missing, kv)
		}
	}
	if len(missing) == 0 {
		return
	}
	after := s.headers[0]
	for _, o := range s.opts {
		if p.drop[o.line] {
			continue
		}
		after = o.end
		if _, ok := p.replace[o.line]; ok {
			after = o.line
		}
	}
	p.inserts[after] = &insertion{kvs: missing, indent: p.nextHeaderIndent(f, after)}
}

// goTarget is, for the config file, the section among targets that
// aws-sdk-go-v2 takes the profile from when it is another than botocore's
// ([profile default] beats [default] there, wherever it is), with the keys
// that no target it reads has; -1 if none.
func goTarget(f *file, c change, targets []int) (int, []KeyValue) {
	if c.creds {
		return -1, nil
	}
	want := "profile " + c.name
	if c.name == "default" && !goHasSection(f, want) {
		want = "default"
	}
	g := -1
	var have []string
	for _, t := range targets {
		s := f.sects[t]
		if name, _ := goHeader(f.lines[s.headers[0]].text); name == want {
			g = t
			for _, o := range s.opts {
				have = append(have, o.key)
			}
		}
	}
	var missing []KeyValue
	for _, kv := range c.set {
		if !slices.Contains(have, kv.Key) {
			missing = append(missing, kv)
		}
	}
	return g, missing
}

func goHasSection(f *file, name string) bool {
	for _, l := range f.lines {
		if n, ok := goHeader(l.text); ok && !goComment(l.text) && n == name {
			return true
		}
	}
	return false
}

func (s *section) optsOf(key string) []*opt { return s.byKey[key] }

// set replaces option o's lines with key = value, unless o already reads
// as value to botocore and aws-sdk-go-v2.
func (p *editPlan) set(f *file, o *opt, kv KeyValue) {
	text := f.lines[o.line].text
	if o.end == o.line && o.join() == kv.Value && goValue(text) == kv.Value {
		return
	}
	indent := text[:len(text)-len(strings.TrimLeftFunc(text, pySpace))]
	p.replace[o.line] = indent + kv.Key + " = " + kv.Value
	p.eol[o.line] = f.lines[o.end].eol
	if p.eol[o.line] == "\r" {
		p.eol[o.line] = fileEOL(f)
	}
	for i := o.line + 1; i <= o.end; i++ {
		p.drop[i] = true
	}
}

func (p *editPlan) dropOpt(o *opt) {
	for i := o.line; i <= o.end; i++ {
		p.drop[i] = true
	}
}

// nextHeaderIndent is the indentation of the first line after line after
// that stays and is neither blank nor a comment: the next section's header,
// which must not become a continuation of an inserted line.
func (p *editPlan) nextHeaderIndent(f *file, after int) string {
	for i := after + 1; i < len(f.lines); i++ {
		l := f.lines[i]
		if p.drop[i] || l.kind == blank || l.kind == comment {
			continue
		}
		return l.text[:len(l.text)-len(strings.TrimLeftFunc(l.text, pySpace))]
	}
	return ""
}

// fileEOL is the file's line ending: that of its first line break, LF when
// it has none (a lone CR is never copied).
func fileEOL(f *file) string {
	for _, l := range f.lines {
		if l.eol == "\n" || l.eol == "\r\n" {
			return l.eol
		}
	}
	return "\n"
}
