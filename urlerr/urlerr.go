// Package urlerr words the failures of HTTP requests: net/http wraps each
// in a *url.Error that repeats the method and the URL, which a message that
// names the endpoint already does not need (the URL may be long, or carry
// what should not be printed).
package urlerr

import (
	"errors"
	"net/url"
)

// Cause is the error a *url.Error in err's chain wraps, without its method
// and URL; err itself when there is none.
func Cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
