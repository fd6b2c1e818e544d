package exchange

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/oidc-creds/oidc-creds/backoff"
)

// DefaultMaxAttempts is how often a throttled or failing call is tried.
const DefaultMaxAttempts = 6

// retryPolicy decides, after a failed attempt, whether to try again and
// after how long. It retries what can succeed on a retry — throttling,
// server errors, IDPCommunicationError, a lost connection, and
// InvalidIdentityToken once (a new identity provider can take a moment to
// be visible) — and nothing else.
type retryPolicy struct {
	max          int
	backoff      backoff.Backoff
	invalidSeen  bool
	connFailures int
}

func (p *retryPolicy) next(err error, attempt int) (time.Duration, bool) {
	max := p.max
	if max <= 0 {
		max = DefaultMaxAttempts
	}
	if attempt >= max {
		return 0, false
	}
	switch classify(err) {
	case classThrottle, classServer, classIDP:
	case classInvalidToken:
		if p.invalidSeen {
			return 0, false
		}
		p.invalidSeen = true
	case classConnection:
		// Nothing listening fails fast: two more tries, not six.
		p.connFailures++
		if p.connFailures >= 3 {
			return 0, false
		}
	default:
		return 0, false
	}
	return p.backoff.Wait(attempt), true
}

type errClass int

const (
	classOther errClass = iota
	classThrottle
	classServer
	classIDP
	classInvalidToken
	classConnection
	classTimeout
	classTLS
)

var throttleCodes = map[string]bool{
	"Throttling": true, "ThrottlingException": true, "ThrottledException": true,
	"RequestThrottledException": true, "TooManyRequestsException": true,
	"RequestLimitExceeded": true, "SlowDown": true, "RequestThrottled": true,
	"ProvisionedThroughputExceededException": true, "PriorRequestNotComplete": true,
}

func classify(err error) errClass {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return classTimeout
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch code := api.ErrorCode(); {
		case throttleCodes[code]:
			return classThrottle
		case code == "IDPCommunicationError":
			return classIDP
		case code == "InvalidIdentityToken":
			return classInvalidToken
		}
	}
	// A send failure comes first: the SDK wraps it in a ResponseError too,
	// around an empty response of status 0.
	var se *smithyhttp.RequestSendError
	if errors.As(err, &se) {
		if isTLSError(err) {
			return classTLS
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return classTimeout
		}
		return classConnection
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		switch s := re.HTTPStatusCode(); {
		case s == 429:
			return classThrottle
		case s >= 500:
			return classServer
		}
	}
	return classOther
}

func isTLSError(err error) bool {
	var (
		cv *tls.CertificateVerificationError
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
		rh tls.RecordHeaderError
	)
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci) || errors.As(err, &rh)
}
