package format

import (
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/oidc-creds/oidc-creds/creds"
)

// processOutput is the credential_process document, its fields in the order
// the AWS documentation lists them. The JSON names are the ones the SDKs read
// (aws-sdk-go-v2's processcreds.CredentialProcessResponse among them).
type processOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration"`
	AccountID       string `json:"AccountId,omitempty"`
}

// Process writes c as credential_process JSON on one line ending in "\n":
//
//	{"Version":1,"AccessKeyId":"…","SecretAccessKey":"…","SessionToken":"…","Expiration":"2026-11-25T20:00:00Z","AccountId":"…"}
//
// Version is the number 1. Expiration is RFC 3339 in UTC with seconds
// precision (a fraction is dropped, so the SDKs see the credentials expire
// no later than they do). SessionToken and AccountId are left out when
// empty. It returns an error, and writes nothing, when c is not valid now
// (creds.Credentials.Valid: without an Expiration the SDKs would take
// temporary credentials for long-lived ones and never run the helper again;
// expired ones they refuse or use in vain), or when a field is not valid
// UTF-8 (JSON would alter it).
func Process(w io.Writer, c creds.Credentials) error {
	if err := c.Valid(timeNow(), 0); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{
		{"AccessKeyId", c.AccessKeyID},
		{"SecretAccessKey", c.SecretAccessKey},
		{"SessionToken", c.SessionToken},
		{"AccountId", c.AccountID},
	} {
		if !utf8.ValidString(f.value) {
			return fmt.Errorf("the credentials' %s is not valid UTF-8", f.name)
		}
	}
	out, err := json.Marshal(processOutput{
		Version:         1,
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		SessionToken:    c.SessionToken,
		Expiration:      expiration(c.Expiration),
		AccountID:       c.AccountID,
	})
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}
