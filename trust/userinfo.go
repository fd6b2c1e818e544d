package trust

import "strings"

// HasUserinfo reports whether the URL s, parsable or not, holds a user name
// or password: an @ in its authority (after "://", or from the start when
// there is no scheme, up to the first / ? or #). A message must then not
// repeat s, whatever else is wrong with it: white space or a quote in the
// password must not hide it from a check that parses first.
func HasUserinfo(s string) bool {
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return strings.Contains(s, "@")
}
