// Package token reads OIDC tokens: where they come from (Source: an
// environment variable, a file, a stream, a command, a chain of defaults,
// and the CI platforms Detect finds, GitHub Actions' and Azure DevOps'
// token requests among them) and what they claim (Parse decodes a JWT's
// claims and header without checking its signature: STS does that). Pulumi
// subjects are taken apart here too. A token's raw text is a secret, and so
// is the credential of a token request: never print or log them.
package token
