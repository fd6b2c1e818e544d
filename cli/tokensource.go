package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/token"
)

// source is the token source the flags name: --token-file (a file, or
// standard input for "-"), --token-env, else the default places.
func (f TokenFlags) source(o *IO) (token.Source, error) {
	switch {
	case f.TokenFile != "" && f.TokenEnv != "":
		return nil, usageError("--token-file and --token-env both name a token; give one of them")
	case f.TokenFile == "-":
		var in io.Reader = os.Stdin
		if o.Stdin != nil {
			in = o.Stdin
		}
		return &token.Reader{R: in, Origin: "standard input"}, nil
	case f.TokenFile != "":
		return token.File{Path: f.TokenFile}, nil
	case f.TokenEnv != "":
		return token.Env{Name: f.TokenEnv}, nil
	}
	return token.Default(nil, "", nil), nil
}

// load reads the token from src, wording what is missing in the flags
// that would supply it.
func (f TokenFlags) load(ctx context.Context, src token.Source) (*token.Token, error) {
	t, err := src.Token(ctx)
	var absent *token.AbsentError
	var none *token.NoTokenError
	switch {
	case f.TokenEnv != "" && errors.As(err, &absent):
		return nil, &creds.Error{Kind: creds.KindToken, Input: creds.InputTokenEnv, Err: err,
			Msg: fmt.Sprintf("--token-env names %s, but that environment variable is unset or empty", f.TokenEnv)}
	case errors.As(err, &none):
		return nil, &creds.Error{Kind: creds.KindToken, Err: err, Msg: none.Error() + "; pass --token-file PATH or --token-env NAME"}
	}
	return t, err
}

// loadToken finds the flags' source and reads the token from it.
func (f TokenFlags) loadToken(ctx context.Context, o *IO) (*token.Token, error) {
	src, err := f.source(o)
	if err != nil {
		return nil, err
	}
	return f.load(ctx, src)
}
