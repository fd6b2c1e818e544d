package trust

import (
	"strings"

	"github.com/oidc-creds/oidc-creds/printjson"
)

// encodeJSON is printjson.Indent: maps and slices of strings always encode.
func encodeJSON(v any) string {
	b, _ := printjson.Indent(v)
	return string(b)
}

// literal is a value taken as it is from a token, made safe for a
// condition: IAM replaces policy variables (${aws:userid}) in the values of
// StringEquals and StringLike, so "${" is written "${$}{", which IAM reads
// as a literal "${".
func literal(v string) string { return strings.ReplaceAll(v, "${", "${$}{") }
