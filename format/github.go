package format

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/oidc-creds/oidc-creds/creds"
)

// GitHub is the name of the GitHub Actions format. It has two outputs, so
// Env and WriteVars do not take it: GitHubVars and GitHubEnv build it.
const GitHub = "github"

// GitHubOutput is what the GitHub Actions format writes.
type GitHubOutput struct {
	// Masks holds one ::add-mask:: workflow command per line of each secret
	// value, each line ending in "\n", for standard output: the runner then
	// hides these values in every later line of the job's log.
	Masks string
	// Env holds, for the file that GITHUB_ENV names, one NAME<<DELIMITER
	// block per variable, which sets it for the later steps of the job. It
	// starts with an empty line, which the runner skips, so that a line an
	// earlier writer left unterminated cannot swallow the first name.
	Env string
}

// GitHubVars builds the GitHub Actions output that sets vars, in order, and
// masks the values of the variables named in secret.
//
// The runner reads GITHUB_ENV line by line: a line NAME<<DELIMITER starts a
// value that ends at the first line equal to DELIMITER. Each variable gets
// that form, as GitHub's toolkit writes it (core.exportVariable), with a
// delimiter of 128 random bits that occurs in no value. Values must be valid
// UTF-8 (the runner reads the file as UTF-8) and must not end in a carriage
// return (a Windows runner reads CR LF as one line break and would drop it);
// names are those of WriteVars. Nothing is returned when a variable is
// refused.
//
// The runner matches masks within one log line, so a value that spans
// lines gets a mask for each line that is not blank; in each, % is written
// %25, as the toolkit's core.setSecret does, because the runner decodes
// %25, %0D and %0A in workflow commands.
func GitHubVars(vars []Var, secret ...string) (GitHubOutput, error) {
	for _, v := range vars {
		if err := checkGitHubVar(v); err != nil {
			return GitHubOutput{}, err
		}
	}
	delim := githubDelimiter(vars)
	var masks, env strings.Builder
	env.WriteByte('\n')
	for _, v := range vars {
		env.WriteString(v.Name + "<<" + delim + "\n" + v.Value + "\n" + delim + "\n")
		for _, s := range secret {
			if s == v.Name {
				masks.WriteString(githubMasks(v.Value))
			}
		}
	}
	return GitHubOutput{Masks: masks.String(), Env: env.String()}, nil
}

// GitHubEnv builds the GitHub Actions output for the variables Env sets,
// masking the access key id, the secret access key and the session token.
// c must be valid now (creds.Credentials.Valid).
func GitHubEnv(c creds.Credentials) (GitHubOutput, error) {
	if err := c.Valid(timeNow(), 0); err != nil {
		return GitHubOutput{}, err
	}
	return GitHubVars(envVars(c), VarAccessKeyID, VarSecretAccessKey, VarSessionToken)
}

func checkGitHubVar(v Var) error {
	if err := checkVar(v); err != nil {
		return err
	}
	switch {
	case !utf8.ValidString(v.Value):
		return &UnsupportedError{Name: v.Name, Format: GitHub, Instead: "sh",
			Err: fmt.Errorf("%w: the runner reads GITHUB_ENV as UTF-8, and this value is not", ErrUnsupportedValue)}
	case strings.HasSuffix(v.Value, "\r"):
		return &UnsupportedError{Name: v.Name, Format: GitHub, Instead: "sh",
			Err: fmt.Errorf("%w: a value ending in a carriage return loses it on Windows runners", ErrUnsupportedValue)}
	}
	return nil
}

// githubMasks returns the ::add-mask:: commands for value: one for each of
// its lines (split at LF, CR LF and CR) that is not blank.
func githubMasks(value string) string {
	var b strings.Builder
	lines := strings.FieldsFunc(value, func(r rune) bool { return r == '\n' || r == '\r' })
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue // the runner refuses to mask blank text
		}
		b.WriteString("::add-mask::" + strings.ReplaceAll(line, "%", "%25") + "\n")
	}
	return b.String()
}

// githubDelimiter returns a delimiter that occurs in no name or value.
func githubDelimiter(vars []Var) string {
	for {
		d := newDelimiter()
		clash := false
		for _, v := range vars {
			if strings.Contains(v.Value, d) || strings.Contains(v.Name, d) {
				clash = true
			}
		}
		if !clash {
			return d
		}
	}
}

// newDelimiter returns a fresh random delimiter; tests replace it.
var newDelimiter = func() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return "ghadelimiter_" + hex.EncodeToString(b[:])
}
