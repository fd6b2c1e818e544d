package teststs

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running OIDC issuer + STS emulator.
type Server struct {
	URL       string // "http://127.0.0.1:PORT" — STS answers POST / here (so it is the --endpoint-url)
	IssuerURL string // URL + "/oidc" — the token issuer (so the IAM "provider" is 127.0.0.1:PORT/oidc)
	// FederationURL is URL + "/federation": AWS's console sign-in federation
	// endpoint (https://signin.aws.amazon.com/federation) for credentials
	// this server issued.
	FederationURL string

	// GitHubTokenURL is ACTIONS_ID_TOKEN_REQUEST_URL: URL +
	// "/github/token?api-version=2.0" (append "&audience=…"), and
	// GitHubRequestToken ACTIONS_ID_TOKEN_REQUEST_TOKEN, random per server.
	GitHubTokenURL     string
	GitHubRequestToken string
	// AzureOIDCRequestURI is SYSTEM_OIDCREQUESTURI: URL + "/azure/oidctoken"
	// (append "?api-version=7.1&serviceConnectionId=ID"), and
	// AzureAccessToken SYSTEM_ACCESSTOKEN, random per server.
	AzureOIDCRequestURI string
	AzureAccessToken    string

	audience string
	accepted []string // the provider's client IDs: audience first
	github   GitHubOptions
	azure    AzureOptions
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

	mu           sync.Mutex
	calls        int            // STS requests but AssumeRole (Calls)
	callsBy      map[string]int // by action (CallsFor)
	requests     []*Request
	faults       Faults              // shared by STS requests (Inject)
	targetFaults map[string]*Faults  // by target (InjectFor)
	sessions     map[string]*session // issued credentials by access key id; pointers, so that printing the Server shows no secret
	signins      map[string]*signin  // issued sign-in tokens
	lastLogin    *Login
	tokenReqs    []*TokenRequest // of the CI token endpoints
}

// String names the server by its URL; it never shows the secrets it holds.
func (s *Server) String() string { return "teststs.Server(" + s.URL + ")" }

// GoString is String, for %#v.
func (s *Server) GoString() string { return s.String() }

// Start listens on opts.Addr and serves in the background until Close.
func Start(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	key, err := getIssuerKey()
	if err != nil {
		return nil, err
	}
	roles, err := roleMap(opts.Roles, opts.Audience)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("teststs: %w", err)
	}
	s := &Server{
		URL:      "http://" + dialableAddr(ln.Addr()),
		audience: opts.Audience,
		accepted: append([]string{opts.Audience}, opts.Audiences...),
		github:   opts.GitHub,
		azure:    opts.Azure,
		roles:    roles,
		ttl:      opts.CredentialTTL,
		emptyARN: opts.EmptyAssumedRoleARN,
		key:      key,
		ln:       ln,
		served:   make(chan struct{}),

		callsBy:      map[string]int{},
		targetFaults: map[string]*Faults{},
		sessions:     map[string]*session{},
		signins:      map[string]*signin{},
	}
	s.IssuerURL = s.URL + "/oidc"
	s.FederationURL = s.URL + "/federation"
	s.GitHubTokenURL = s.URL + "/github/token?api-version=2.0"
	s.GitHubRequestToken = rand.Text() + rand.Text()
	s.AzureOIDCRequestURI = s.URL + "/azure/oidctoken"
	s.AzureAccessToken = rand.Text() + rand.Text()
	s.serve()
	return s, nil
}

// serve starts the HTTP server on s.ln in the background.
func (s *Server) serve() {
	s.hcond = sync.NewCond(&s.hmu)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = &http.Server{
		Handler:           s.track(s.routes()),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
	}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(s.ln)
	}()
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

// Audiences are all the accepted token audiences: Audience, then
// Options.Audiences.
func (s *Server) Audiences() []string { return slices.Clone(s.accepted) }
