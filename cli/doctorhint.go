package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/token"
)

// hint says what to run next after a refused exchange.
func (c *DoctorCmd) hint(err error, r exchange.Request) string {
	var ce *exchange.CallError
	if !errors.As(err, &ce) || r.Token == nil {
		return ""
	}
	cl := r.Token.Claims
	switch ce.Code {
	case "AccessDenied", "IDPRejectedClaim":
		env, src := "", ""
		if t, ok, _ := c.chosen(); ok {
			src = " --" + t.name + " " + shellWord(t.value)
		} else if c.Audience != token.DefaultAudience { // trust-policy has no --audience for the request
			env = "OIDC_CREDS_AUDIENCE=" + shellWord(c.Audience) + " "
		}
		return fmt.Sprintf("a whole trust policy that accepts this token: %soidc-creds trust-policy --from-token --role-arn %s%s", env, shellWord(r.RoleARN), src)
	case "InvalidIdentityToken":
		var auds []string
		for _, a := range cl.Audience {
			auds = append(auds, shellWord(a))
		}
		return fmt.Sprintf("to create the identity provider: aws iam create-open-id-connect-provider --url %s --client-id-list %s --thumbprint-list \"$(oidc-creds thumbprint %s)\" (or scripts/aws-setup.sh)",
			shellWord(cl.Issuer), strings.Join(auds, " "), shellWord(cl.Issuer))
	}
	return ""
}

func withHint(err error, hint string) error {
	if hint == "" {
		return err
	}
	return &hinted{err: err, hint: hint}
}

type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() + "\nhint: " + h.hint }
func (h *hinted) Unwrap() error { return h.err }
