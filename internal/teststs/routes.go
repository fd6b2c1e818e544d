package teststs

import "net/http"

// routes maps the server's paths to their handlers.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{$}", s.handleSTS)
	mux.HandleFunc("GET /oidc/.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /oidc/keys", s.handleKeys)
	mux.HandleFunc("/oidc/authorize", handleOAuthPlaceholder)
	mux.HandleFunc("/oidc/token", handleOAuthPlaceholder)
	mux.HandleFunc("GET /federation", s.handleFederation)
	mux.HandleFunc("GET /github/token", s.handleGitHubToken)
	mux.HandleFunc("POST /azure/oidctoken", s.handleAzureToken)
	mux.HandleFunc("POST /_test/mint", s.handleMint)
	mux.HandleFunc("GET /_test/calls", s.handleCalls)
	mux.HandleFunc("GET /_test/faults", s.handleGetFaults)
	mux.HandleFunc("POST /_test/faults", s.handleFaults)
	mux.HandleFunc("GET /_test/federation", s.handleFederationReport)
	mux.HandleFunc("POST /_test/reset", s.handleReset)
	return mux
}
