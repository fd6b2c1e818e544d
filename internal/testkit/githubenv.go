package testkit

import (
	"fmt"
	"strings"
)

// EnvVar is one variable set through a GITHUB_ENV file.
type EnvVar struct{ Name, Value string }

// ParseGitHubEnv reads a GITHUB_ENV file the way the GitHub Actions runner
// does (actions/runner, SetEnvFileCommand): line by line, skipping empty
// lines; a line NAME=VALUE sets NAME when its = comes before any <<; a line
// NAME<<DELIMITER starts a value made of the following lines up to the
// first line equal to DELIMITER, without the line break before it. Lines
// end at LF and, on Windows runners (windows true), also at CR LF. It
// returns the assignments in file order (a later one of the same name wins)
// and fails where the runner fails.
func ParseGitHubEnv(text string, windows bool) ([]EnvVar, error) {
	var vars []EnvVar
	index := 0
	for {
		line, _, ok := readRunnerLine(text, &index, windows)
		if !ok {
			return vars, nil
		}
		if line == "" {
			continue
		}
		eq, here := strings.Index(line, "="), strings.Index(line, "<<")
		switch {
		case eq >= 0 && (here < 0 || eq < here):
			name, value, _ := strings.Cut(line, "=")
			vars = append(vars, EnvVar{name, value})
		case here >= 0:
			name, delim, _ := strings.Cut(line, "<<")
			if name == "" || delim == "" {
				return vars, fmt.Errorf("invalid format %q: empty name or delimiter", line)
			}
			start, end := index, index
			for {
				l, nl, ok := readRunnerLine(text, &index, windows)
				if !ok {
					return vars, fmt.Errorf("matching delimiter not found %q", delim)
				}
				if l == delim {
					break
				}
				if nl == "" {
					return vars, fmt.Errorf("the value of %s runs to the end of the file", name)
				}
				end = index - len(nl)
			}
			vars = append(vars, EnvVar{name, text[start:max(start, end)]})
		default:
			return vars, fmt.Errorf("invalid format %q", line)
		}
	}
}

// readRunnerLine reads the line at *index and the line break that ends it
// ("" at the end of the text); ok is false past the end.
func readRunnerLine(text string, index *int, windows bool) (line, newline string, ok bool) {
	if *index >= len(text) {
		return "", "", false
	}
	start := *index
	lf := strings.IndexByte(text[start:], '\n')
	if lf < 0 {
		*index = len(text)
		return text[start:], "", true
	}
	if crlf := strings.Index(text[start:], "\r\n"); windows && crlf >= 0 && crlf < lf {
		*index = start + crlf + 2
		return text[start : start+crlf], "\r\n", true
	}
	*index = start + lf + 1
	return text[start : start+lf], "\n", true
}

// ParseGitHubMasks reads standard output the way the runner reads workflow
// commands: it returns the values of the ::add-mask:: lines, decoded (%0D,
// %0A, %25), and every other line.
func ParseGitHubMasks(stdout string) (masks, other []string) {
	dec := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%")
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if v, ok := strings.CutPrefix(line, "::add-mask::"); ok {
			masks = append(masks, dec.Replace(v))
		} else if stdout != "" {
			other = append(other, line)
		}
	}
	return masks, other
}
