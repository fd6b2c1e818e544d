// Package token reads OIDC tokens: where they come from (Source: an
// environment variable, a file, a stream, a chain of defaults) and what
// they claim (Parse decodes a JWT's claims and header without checking its
// signature: STS does that). Pulumi subjects are taken apart here too. A
// token's raw text is a secret: never print or log it.
package token
