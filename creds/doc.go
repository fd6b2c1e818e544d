// Package creds holds the values every layer of oidc-creds shares:
// temporary AWS credentials, with the one rule for whether they may be
// handed out, and the kinds of failure, each with its exit status. It
// imports only the standard library, so that the cache, the output
// formats and the credentials endpoint link nothing of the AWS SDK.
package creds
