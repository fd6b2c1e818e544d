package exchange

import (
	"github.com/oidc-creds/oidc-creds/creds"
)

func inputError(in creds.Input, format string, args ...any) *creds.Error {
	return creds.InputErrorf(in, format, args...)
}
