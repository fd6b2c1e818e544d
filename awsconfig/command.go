package awsconfig

import (
	"fmt"
	"strings"
)

// CommandLine writes args as a credential_process value that the AWS SDKs
// and CLI split back into exactly args. On unix the SDKs run it with sh -c
// (Go, JavaScript) or split it with Python's shlex (botocore, the AWS CLI):
// a word of safe characters is written as it is; any other keeps its
// longest safe prefix bare and the rest in single quotes, each ' written
// '\” — so the value never starts with a quote, which the Go SDK's INI
// reader would strip along with a closing one. On windows the SDKs pass the
// line to cmd.exe /C or split it by the Microsoft C rules, which agree on
// nothing but plain words: words must consist of safe characters.
//
// Lines the INI readers would cut are refused: a line break, or # or ;
// after white space (the Go and JavaScript SDKs take that as a comment).
//
// Its errors are *ArgError.
func CommandLine(args []string, goos string) (string, error) {
	words := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, "\x00\r\n") {
			return "", &ArgError{Problem: Unwritable, Arg: a}
		}
		if goos == "windows" {
			if bad := strings.IndexFunc(a, func(r rune) bool { return !safe(r) && r != '\\' }); bad >= 0 {
				return "", &ArgError{Problem: NotPlainOnWindows, Arg: a, Text: a[bad : bad+1]}
			}
			words[i] = a
			continue
		}
		words[i] = quotePOSIX(a)
	}
	line := strings.Join(words, " ")
	for _, c := range []string{" #", " ;", "\t#", "\t;"} {
		if strings.Contains(line, c) {
			return "", &ArgError{Problem: ReadAsComment, Text: c}
		}
	}
	return line, nil
}

// ArgProblem is why CommandLine refused its arguments.
type ArgProblem int

// The problems.
const (
	Unwritable        ArgProblem = iota + 1 // empty, or a line break or NUL
	NotPlainOnWindows                       // a character the Windows SDKs split differently
	ReadAsComment                           // white space before # or ;
)

// ArgError is an argument CommandLine cannot write faithfully.
type ArgError struct {
	Problem ArgProblem
	Arg     string // the argument ("" for ReadAsComment)
	Text    string // the offending character or characters
}

func (e *ArgError) Error() string {
	switch e.Problem {
	case NotPlainOnWindows:
		return fmt.Sprintf("argument %q holds %q, which the AWS SDKs on Windows do not read the same way in a credential_process line", e.Arg, e.Text)
	case ReadAsComment:
		return fmt.Sprintf("the credential_process line would contain %q, which the Go and JavaScript SDKs read as the start of a comment", e.Text)
	}
	return fmt.Sprintf("argument %q cannot be written in a credential_process line: it is empty or holds a line break", e.Arg)
}

// safe characters need no quoting in sh or shlex.
func safe(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-", r)
}

func quotePOSIX(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return !safe(r) })
	if i < 0 {
		return s
	}
	return s[:i] + "'" + strings.ReplaceAll(s[i:], "'", `'\''`) + "'"
}
