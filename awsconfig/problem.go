package awsconfig

import (
	"fmt"
	"strings"
)

type problemKind uint8

const (
	noSection   problemKind = iota + 1 // a setting before the first [section]
	notKeyValue                        // neither header, comment nor key = value
	emptyKey                           // = or : with nothing before it
	dupSection                         // a section header seen before
	dupKey                             // a key set twice in one section
	badNested                          // a nested block (s3 = …) with a line without =
	notUTF8                            // bytes that are not UTF-8
	loneCR                             // a line ending in \r alone
)

// Problem is a line that makes botocore (the AWS CLI, boto3) refuse the
// whole file or, for an old Mac line ending, that aws-sdk-go-v2 misreads.
// Its message quotes no line, since a credentials file holds secrets.
type Problem struct {
	Line    int // 1-based
	kind    problemKind
	section string
	key     string
	first   int // 1-based line of the first occurrence, for repeats
}

// problem records a problem of line i (0-based); first < 0 when none.
func (f *file) problem(i int, k problemKind, section, key string, first int) {
	f.problems = append(f.problems, &Problem{Line: i + 1, kind: k, section: section, key: key, first: first + 1})
}

// quotable reports whether a message may quote s, a section or key name: at
// most two words of 1 to 64 of [A-Za-z0-9_.@/+=-] joined by one space (a
// mistyped line of a credentials file could hold part of a secret). Written
// by hand: a package-level regexp costs a third of a cache hit at start-up.
func quotable(s string) bool {
	first, second, two := strings.Cut(s, " ")
	return nameWord(first) && (!two || nameWord(second))
}

func nameWord(w string) bool {
	if len(w) < 1 || len(w) > 64 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.@/+=-", c) >= 0) {
			return false
		}
	}
	return true
}

func quoteName(s, what string) string {
	if quotable(s) {
		return what + " " + s
	}
	return "a " + what
}

func (p *Problem) Error() string {
	const boto = "which botocore (the AWS CLI, boto3) cannot read"
	sect := "[" + p.section + "]"
	if !quotable(p.section) {
		sect = "its section"
	}
	switch p.kind {
	case noSection:
		return fmt.Sprintf("line %d holds a setting before the first [section] header, %s; move it into a section or delete it", p.Line, boto)
	case notKeyValue:
		return fmt.Sprintf("line %d is neither a [section] header, a # comment nor key = value, %s; fix or delete it", p.Line, boto)
	case emptyKey:
		return fmt.Sprintf("line %d has no key before its = or :, %s; fix or delete it", p.Line, boto)
	case dupSection:
		return fmt.Sprintf("line %d repeats the section %s of line %d, %s; merge the two sections", p.Line, sect, p.first, boto)
	case dupKey:
		return fmt.Sprintf("line %d sets %s a second time in %s (first on line %d), %s; keep one of them", p.Line, quoteName(p.key, "key"), sect, p.first, boto)
	case badNested:
		return fmt.Sprintf("line %d: %s has an empty value followed by indented lines, which botocore (the AWS CLI, boto3) reads as key = value settings, and one of them is not; indent less or fix them", p.Line, quoteName(p.key, "key"))
	case notUTF8:
		return fmt.Sprintf("line %d is not valid UTF-8, %s; save the file as UTF-8", p.Line, boto)
	case loneCR:
		return fmt.Sprintf("line %d ends in a lone carriage return (an old Mac line ending), which aws-sdk-go-v2 does not take for a line break; save the file with LF or CRLF line endings", p.Line)
	}
	return fmt.Sprintf("line %d cannot be read", p.Line)
}
