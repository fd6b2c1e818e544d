package awsconfig

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// checkSet checks the contract of an edit of in by c that returned got, err:
// a refusal only for a file botocore (or aws-sdk-go-v2) cannot read; else a
// readable result in which every line outside the edited keys survives byte
// for byte, every section and key not targeted reads as before, the edited
// sections read as before plus the change, and editing again changes
// nothing.
func checkSet(t testing.TB, in string, c change, got Edited, err error) {
	t.Helper()
	src := strings.TrimPrefix(in, bom)
	f := parse(src)
	if err != nil {
		if _, bad := err.(*ValueError); !bad && len(f.problems) == 0 && len(f.latent) == 0 {
			t.Fatalf("refused a readable file: %v", err)
		}
		return
	}
	out := string(got.Data)
	g := parse(out)
	if len(g.problems) > 0 {
		t.Fatalf("the result is unreadable: %v\n%q", g.problems[0], out)
	}
	targets := f.profileSections(c.name, c.creds)
	if len(targets) == 0 {
		checkAppended(t, src, out, c, f)
		return
	}
	if keptLines(f, targets, c) != keptLines(g, targets, c) {
		t.Fatalf("lines outside the edited keys changed:\n%q\n%q", src, out)
	}
	if len(g.sects) != len(f.sects) {
		t.Fatalf("%d sections, want %d", len(g.sects), len(f.sects))
	}
	for i, s := range f.sects {
		want, got := ownValues(s), ownValues(g.sects[i])
		if slices.Contains(targets, i) {
			for _, k := range c.remove {
				delete(want, k)
			}
			for _, kv := range c.set {
				// Set where it was, and in botocore's section of the
				// profile; aws-sdk-go-v2's may get it too.
				if _, had := want[kv.Key]; had || i == targets[len(targets)-1] || got[kv.Key] == kv.Value {
					want[kv.Key] = kv.Value
				}
			}
		}
		if g.sects[i].name != s.name || !maps.Equal(got, want) {
			t.Fatalf("section [%s] reads %v, want %v", g.sects[i].name, got, want)
		}
	}
	again, err := edit(got.Data, c)
	if err != nil || again.Changed {
		t.Fatalf("a second edit changed the file (%v):\n%q\n%q", err, out, again.Data)
	}
}

// checkAppended checks an edit that added the profile: in, its end made a
// line, a blank line, the section.
func checkAppended(t testing.TB, src, out string, c change, f *file) {
	t.Helper()
	eol := fileEOL(f)
	want := src
	if want != "" && !strings.HasSuffix(want, "\n") && !strings.HasSuffix(want, "\r") {
		want += eol
	}
	if ls := f.lines; len(ls) > 0 && pyStrip(ls[len(ls)-1].text) != "" {
		want += eol
	}
	want += c.header() + eol
	for _, kv := range c.set {
		want += kv.Key + " = " + kv.Value + eol
	}
	if out != want {
		t.Fatalf("appended section:\n%q\nwant\n%q", out, want)
	}
}

// keptLines is the file's text without the lines of the edited keys of the
// target sections (options and their continuations), with the final line
// break taken off (an insertion after the last line adds one).
func keptLines(f *file, targets []int, c change) string {
	keys := slices.Clone(c.remove)
	for _, kv := range c.set {
		keys = append(keys, kv.Key)
	}
	skip := map[int]bool{}
	for _, t := range targets {
		for _, o := range f.sects[t].opts {
			if slices.Contains(keys, o.key) {
				for i := o.line; i <= o.end; i++ {
					skip[i] = true
				}
			}
		}
	}
	var b strings.Builder
	for i, l := range f.lines {
		if !skip[i] {
			b.WriteString(l.text + l.eol)
		}
	}
	return strings.TrimRight(b.String(), "\r\n")
}

// ownValues is the section's options as configparser keeps them.
func ownValues(s *section) map[string]string {
	m := map[string]string{}
	for _, o := range s.opts {
		m[o.key] = o.join()
	}
	return m
}
