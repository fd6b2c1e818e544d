// Package teststs is a test-only OIDC issuer and AWS STS emulator.
//
// One HTTP listener serves:
//
//   - an OpenID Connect issuer at IssuerURL (URL + "/oidc"): discovery at
//     /oidc/.well-known/openid-configuration (also at the root
//     /.well-known/openid-configuration, for clients configured with the
//     server's bare URL) and its JWKS at /oidc/keys. Tokens are RS256 JWTs made
//     by Mint or POST /_test/mint.
//   - STS AssumeRoleWithWebIdentity at POST / (the --endpoint-url), speaking
//     the awsQuery protocol exactly as aws-sdk-go-v2, botocore and the AWS SDK
//     for JavaScript send it, and answering with STS's XML.
//   - test-control endpoints under /_test/ for tests that drive a separate
//     process: mint, calls, faults, reset.
//
// The trust model mirrors IAM: the "provider" is IssuerURL without its
// scheme, its client ID list is Options.Audience, and every Role carries a
// trust policy with StringEquals PROVIDER:aud and StringLike PROVIDER:sub.
//
// The STS checks run in this order (the first failure answers):
//
//  1. injected faults (see Faults);
//  2. Action and Version;
//  3. input limits of the STS API model (ValidationError, all violations in
//     one message, as AWS does; the token's value is never echoed). A Policy
//     longer than 2048 characters is a ValidationError length violation, as
//     AWS answers it;
//  4. Policy must be a JSON object (MalformedPolicyDocument); then the packed
//     size of the session policies must fit (PackedPolicyTooLarge). AWS's
//     packing is not public; this emulation counts the deflated, compacted
//     Policy plus 16 bytes per policy ARN against 1024 bytes, so ordinary
//     policies always fit and only large incompressible ones do not;
//  5. the token: it must be a JWT (InvalidIdentityToken); its iss must be
//     IssuerURL ("No OpenIDConnect provider found in your account for ISS") —
//     checked before the signature because, like AWS, the provider (and so the
//     key) is found by iss; it must be RS256-signed by this issuer's key
//     (InvalidIdentityToken); its aud must contain Options.Audience
//     ("Incorrect token audience"); exp must be present and in the future
//     (ExpiredTokenException); nbf, if present, must not be in the future
//     (InvalidIdentityToken);
//  6. the role must exist and its trust policy (Audience, SubPattern) must
//     match (403 AccessDenied);
//  7. DurationSeconds (default 3600) must not exceed the role's
//     MaxSessionDuration (ValidationError).
package teststs

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults used when Options leave them empty.
const (
	DefaultAddr       = "127.0.0.1:0"
	DefaultAudience   = "acme"
	DefaultRoleARN    = "arn:aws:iam::123456789012:role/deploy"
	DefaultSubPattern = "pulumi:deploy:org:acme:*"
	// DefaultSubject is the sub of minted tokens unless given.
	DefaultSubject = "pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write"
	// DefaultDurationSeconds is what STS uses when DurationSeconds is absent.
	DefaultDurationSeconds = 3600
)

// Role is an IAM role whose trust policy allows web identities of this issuer.
type Role struct {
	ARN                string        // e.g. arn:aws:iam::123456789012:role/deploy
	Audience           string        // aud the trust policy requires (StringEquals PROVIDER:aud); "" = Options.Audience
	SubPattern         string        // IAM StringLike pattern on sub: '*' any run, '?' one char; "" = "*"
	MaxSessionDuration time.Duration // 0 = 1h, like IAM's default
}

// Options configure a Server. The zero value is usable.
type Options struct {
	Addr                string        // listen address, default "127.0.0.1:0"
	Audience            string        // the identity provider's client ID list (accepted aud), default "acme"
	Roles               []Role        // default: one role DefaultRoleARN, SubPattern DefaultSubPattern, MaxSessionDuration 12h
	CredentialTTL       time.Duration // when >0, issued credentials expire after this instead of DurationSeconds (tests of renewal)
	EmptyAssumedRoleARN bool          // answer with an empty AssumedRoleUser Arn (and AssumedRoleId), as MinIO does
}

// Server is a running OIDC issuer + STS emulator.
type Server struct {
	URL       string // "http://127.0.0.1:PORT" — STS answers POST / here (so it is the --endpoint-url)
	IssuerURL string // URL + "/oidc" — the token issuer (so the IAM "provider" is 127.0.0.1:PORT/oidc)

	audience string
	roles    map[string]Role // by ARN; Audience, SubPattern, MaxSessionDuration filled in
	ttl      time.Duration
	emptyARN bool
	key      *signingKey

	srv       *http.Server
	ln        net.Listener
	ctx       context.Context // cancelled by Close: ends injected delays
	cancel    context.CancelFunc
	closeOnce sync.Once
	served    chan struct{}

	hmu      sync.Mutex // guards inflight and closing
	hcond    *sync.Cond // signalled when inflight drops
	inflight int
	closing  bool

	mu       sync.Mutex
	calls    int
	requests []*Request
	faults   Faults
}

// Start listens on opts.Addr and serves in the background until Close.
func Start(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.Audience == "" {
		opts.Audience = DefaultAudience
	}
	if opts.Roles == nil {
		opts.Roles = []Role{{ARN: DefaultRoleARN, SubPattern: DefaultSubPattern, MaxSessionDuration: 12 * time.Hour}}
	}
	key, err := getIssuerKey()
	if err != nil {
		return nil, err
	}
	roles := make(map[string]Role, len(opts.Roles))
	for _, r := range opts.Roles {
		if r.ARN == "" {
			return nil, errors.New("teststs: a role has no ARN")
		}
		if _, dup := roles[r.ARN]; dup {
			return nil, fmt.Errorf("teststs: role %s given twice", r.ARN)
		}
		if r.Audience == "" {
			r.Audience = opts.Audience
		}
		if r.SubPattern == "" {
			r.SubPattern = "*"
		}
		if r.MaxSessionDuration <= 0 {
			r.MaxSessionDuration = time.Hour
		}
		roles[r.ARN] = r
	}

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("teststs: %w", err)
	}
	s := &Server{
		URL:      "http://" + dialableAddr(ln.Addr()),
		audience: opts.Audience,
		roles:    roles,
		ttl:      opts.CredentialTTL,
		emptyARN: opts.EmptyAssumedRoleARN,
		key:      key,
		ln:       ln,
		served:   make(chan struct{}),
	}
	s.IssuerURL = s.URL + "/oidc"
	s.hcond = sync.NewCond(&s.hmu)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = &http.Server{
		Handler:           s.track(s.routes()),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
	}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// dialableAddr turns a listener address into one a client can dial: an
// unspecified IP (0.0.0.0, ::) becomes 127.0.0.1.
func dialableAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1) // "tcp" listeners on 0.0.0.0 or :: are dual-stack
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

// NewForTest starts a server for the test and closes it when the test ends.
func NewForTest(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Close stops the server: injected delays end at once (their connections are
// dropped), other in-flight requests are answered, then the listener and all
// connections are closed. When Close returns no handler is running. It is
// safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.hmu.Lock()
		s.closing = true
		s.hmu.Unlock()
		s.cancel()
		s.hmu.Lock()
		for s.inflight > 0 {
			s.hcond.Wait()
		}
		s.hmu.Unlock()
		// http.Server.Shutdown would wait up to 5s for connections a client
		// dialed but never used; nothing is in flight, so close outright.
		_ = s.srv.Close()
		<-s.served
	})
}

// track counts in-flight requests for Close, and drops requests arriving
// while closing.
func (s *Server) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hmu.Lock()
		if s.closing {
			s.hmu.Unlock()
			panic(http.ErrAbortHandler)
		}
		s.inflight++
		s.hmu.Unlock()
		defer func() {
			s.hmu.Lock()
			s.inflight--
			s.hcond.Broadcast()
			s.hmu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

// Provider is the IAM identity provider name: IssuerURL without its scheme.
func (s *Server) Provider() string {
	return strings.TrimPrefix(s.IssuerURL, "http://")
}

// Audience is the accepted token audience (Options.Audience or its default).
func (s *Server) Audience() string { return s.audience }

// Calls returns the number of STS requests (POST /) received, including
// refused and fault-injected ones.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Requests returns copies of the STS requests received, in arrival order. A
// request still being answered has Outcome "pending".
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Inject adds faults to the pending ones. Counters add up; a positive Delay
// replaces the current delay and a negative one removes it.
//
// Each STS request consumes at most one fault, on arrival, taking the first
// non-zero counter in this order: Throttle, ServerErrors, IDPErrors,
// InvalidToken, Garbage. The delay applies to every request (faulted or not)
// until Reset.
func (s *Server) Inject(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.Throttle += max(f.Throttle, 0)
	s.faults.ServerErrors += max(f.ServerErrors, 0)
	s.faults.IDPErrors += max(f.IDPErrors, 0)
	s.faults.InvalidToken += max(f.InvalidToken, 0)
	s.faults.Garbage += max(f.Garbage, 0)
	switch {
	case f.Delay > 0:
		s.faults.Delay = f.Delay
	case f.Delay < 0:
		s.faults.Delay = 0
	}
}

// PendingFaults returns the faults not yet consumed.
func (s *Server) PendingFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Reset clears faults, calls and requests.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = Faults{}
	s.calls = 0
	s.requests = nil
}

// Mint returns an RS256 JWT signed by this issuer. Unless given, claims
// default to iss=IssuerURL, aud=Options.Audience, sub=DefaultSubject,
// iat=nbf=now and exp=now+1h. A claim given as nil is left out. Time claims
// (exp, nbf, iat, auth_time) accept time.Time, numbers or RFC 3339 strings.
// Mint panics if a claim cannot be encoded as JSON.
func (s *Server) Mint(claims map[string]any) string {
	tok, err := s.mint(claims, false)
	if err != nil {
		panic(err)
	}
	return tok
}

// MintForeign is Mint, but signs with a different key under the same kid: the
// token looks right but its signature does not verify (InvalidIdentityToken).
func (s *Server) MintForeign(claims map[string]any) string {
	tok, err := s.mint(claims, true)
	if err != nil {
		panic(err)
	}
	return tok
}

func (s *Server) mint(claims map[string]any, foreign bool) (string, error) {
	now := time.Now()
	full := map[string]any{
		"iss": s.IssuerURL,
		"aud": s.audience,
		"sub": DefaultSubject,
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range claims {
		if v == nil {
			delete(full, k)
			continue
		}
		nv, err := normalizeClaim(k, v)
		if err != nil {
			return "", fmt.Errorf("teststs: %w", err)
		}
		full[k] = nv
	}
	key := s.key
	if foreign {
		var err error
		if key, err = getForeignKey(); err != nil {
			return "", err
		}
	}
	return signJWT(key, full)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{$}", s.handleSTS)
	mux.HandleFunc("GET /oidc/.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /oidc/keys", s.handleKeys)
	mux.HandleFunc("/oidc/authorize", handleOAuthPlaceholder)
	mux.HandleFunc("/oidc/token", handleOAuthPlaceholder)
	mux.HandleFunc("POST /_test/mint", s.handleMint)
	mux.HandleFunc("GET /_test/calls", s.handleCalls)
	mux.HandleFunc("GET /_test/faults", s.handleGetFaults)
	mux.HandleFunc("POST /_test/faults", s.handleFaults)
	mux.HandleFunc("POST /_test/reset", s.handleReset)
	return mux
}

// roleID is a stable, AWS-shaped unique ID for a role: AROA + 17 characters.
func roleID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return "AROA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}
