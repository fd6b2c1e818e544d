// Package exchange turns an OIDC token into temporary AWS credentials:
// token sources, input validation, the STS call and error explanation.
package exchange

import "time"

// Credentials are temporary AWS credentials returned by STS.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Expiration is when the credentials lapse, in UTC.
	Expiration time.Time
	// AccountID is the account of the assumed-role ARN; empty when STS
	// returned no ARN (S3-compatible STS servers such as MinIO).
	AccountID string
}
