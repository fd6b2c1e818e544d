package creds

import (
	"errors"
	"fmt"
	"time"
)

// Credentials are temporary AWS credentials. AccessKeyID, SecretAccessKey
// and SessionToken are secret: never print them in a log or an error.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Expiration is when the credentials lapse, in UTC.
	Expiration time.Time
	// AccountID is the account of the assumed-role ARN; empty when STS
	// returned no ARN (S3-compatible STS servers such as MinIO).
	AccountID string
	// ARN is the assumed-role ARN STS returned
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION): not secret, it
	// names the session in messages; empty when STS returned none (MinIO).
	ARN string `json:",omitempty"`
}

// ErrIncomplete is wrapped by Valid's error when the credentials lack an
// access key ID, a secret access key or an expiration. SessionToken is not
// required: the credential_process contract makes it optional.
var ErrIncomplete = errors.New("incomplete credentials")

// ErrExpired is wrapped by Valid's error when the credentials have expired,
// or will within the margin.
var ErrExpired = errors.New("credentials expired")

// Valid reports whether c may be handed out at now: nil when it has an
// access key ID, a secret access key and an expiration more than margin
// after now. A nil c is incomplete. Every layer asks this one question, with
// the margin it needs: zero to hand credentials out, the refresh window to
// serve them from the cache.
func (c *Credentials) Valid(now time.Time, margin time.Duration) error {
	switch {
	case c == nil:
		return fmt.Errorf("%w: none", ErrIncomplete)
	case c.AccessKeyID == "":
		return fmt.Errorf("%w: the credentials have no access key ID", ErrIncomplete)
	case c.SecretAccessKey == "":
		return fmt.Errorf("%w: the credentials have no secret access key", ErrIncomplete)
	case c.Expiration.IsZero():
		return fmt.Errorf("%w: the credentials have no expiration time", ErrIncomplete)
	case !c.Expiration.After(now):
		return fmt.Errorf("%w: the credentials expired at %s", ErrExpired, c.Expiration.UTC().Format(time.RFC3339))
	case c.Expiration.Sub(now) <= margin:
		return fmt.Errorf("%w: the credentials expire at %s, less than %s from now", ErrExpired, c.Expiration.UTC().Format(time.RFC3339), margin)
	}
	return nil
}
