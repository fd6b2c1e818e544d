// Package exchange turns an OIDC token into temporary AWS credentials:
// input validation, the STS call and its retries.
package exchange
