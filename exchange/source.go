package exchange

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// PulumiTokenFile is where Pulumi Deployments mount the OIDC token.
const PulumiTokenFile = "/mnt/pulumi/pulumi.oidc"

// Source says where to read the token. The zero value looks in the
// default places: $PULUMI_OIDC_TOKEN, then PulumiTokenFile, then the file
// named by $AWS_WEB_IDENTITY_TOKEN_FILE.
type Source struct {
	File   string              // a file to read; "-" reads Stdin
	Env    string              // the name of an environment variable holding the token
	Stdin  io.Reader           // for File "-"; nil = os.Stdin
	Getenv func(string) string // nil = os.Getenv
	// DefaultFile replaces PulumiTokenFile (tests); "" = PulumiTokenFile.
	DefaultFile string
}

// Load reads the token afresh (platforms rotate it), trims white space and
// decodes its claims. It does not check exp or nbf: see Token.CheckTime.
func (s Source) Load() (*Token, error) {
	raw, origin, err := s.read()
	if err != nil {
		return nil, err
	}
	return ParseToken(raw, origin)
}

func (s Source) read() (raw, origin string, err error) {
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	switch {
	case s.File != "" && s.Env != "":
		return "", "", inputError("--token-file and --token-env both name a token; give one of them")
	case s.File == "-":
		in := s.Stdin
		if in == nil {
			in = os.Stdin
		}
		b, err := io.ReadAll(io.LimitReader(in, maxTokenFile))
		if err != nil {
			return "", "", &Error{Kind: KindToken, Msg: fmt.Sprintf("cannot read the token from standard input: %v", err), Err: err}
		}
		return string(b), "standard input", nil
	case s.File != "":
		return readTokenFile(s.File, "file "+s.File)
	case s.Env != "":
		v := getenv(s.Env)
		if v == "" {
			return "", "", tokenError("--token-env names %s, but that environment variable is unset or empty", s.Env)
		}
		return v, "environment variable " + s.Env, nil
	}
	if v := getenv("PULUMI_OIDC_TOKEN"); v != "" {
		return v, "environment variable PULUMI_OIDC_TOKEN", nil
	}
	def := s.DefaultFile
	if def == "" {
		def = PulumiTokenFile
	}
	if _, err := os.Stat(def); err == nil {
		return readTokenFile(def, "file "+def)
	}
	if f := getenv("AWS_WEB_IDENTITY_TOKEN_FILE"); f != "" {
		return readTokenFile(f, "file "+f+" (AWS_WEB_IDENTITY_TOKEN_FILE)")
	}
	return "", "", tokenError("no OIDC token found: PULUMI_OIDC_TOKEN is unset, %s does not exist and AWS_WEB_IDENTITY_TOKEN_FILE is unset; pass --token-file PATH or --token-env NAME", def)
}

// maxTokenFile bounds what is read: STS takes at most 20,000 characters.
const maxTokenFile = 1 << 20

func readTokenFile(path, origin string) (string, string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", "", tokenError("the token file %s does not exist; check the path", path)
		}
		return "", "", &Error{Kind: KindToken, Msg: fmt.Sprintf("cannot read the token file %s: %v", path, pathCause(err)), Err: err}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFile))
	if err != nil {
		return "", "", &Error{Kind: KindToken, Msg: fmt.Sprintf("cannot read the token file %s: %v", path, pathCause(err)), Err: err}
	}
	return string(b), origin, nil
}

// pathCause drops the path an *fs.PathError repeats.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
