package token

import (
	"fmt"

	"github.com/oidc-creds/oidc-creds/creds"
)

func tokenError(format string, args ...any) *creds.Error {
	return &creds.Error{Kind: creds.KindToken, Msg: fmt.Sprintf(format, args...)}
}
