package exchange

import (
	"fmt"

	"github.com/oidc-creds/oidc-creds/creds"
)

func inputError(in creds.Input, format string, args ...any) *creds.Error {
	return creds.InputErrorf(in, format, args...)
}

func tokenError(format string, args ...any) *creds.Error {
	return &creds.Error{Kind: creds.KindToken, Msg: fmt.Sprintf(format, args...)}
}
