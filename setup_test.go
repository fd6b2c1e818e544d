package main

import (
	"os"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/oidc-creds/oidc-creds/internal/testtls"
)

// tlsissuer starts an HTTPS OIDC issuer whose server sends a leaf and an
// intermediate CA signed by a private root, writes the root to $WORK/ca.pem,
// and sets TLS_ISSUER (its issuer URL) and TLS_THUMBPRINT (the SHA-1 of the
// intermediate: what IAM wants).
func cmdTLSIssuer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: tlsissuer")
	}
	chain, err := testtls.NewChain("script")
	ts.Check(err)
	is := testtls.StartIssuer(chain)
	ts.Defer(is.Close)
	ts.Check(os.WriteFile(ts.MkAbs("ca.pem"), chain.RootPEM(), 0o600))
	ts.Setenv("TLS_ISSUER", is.IssuerURL)
	ts.Setenv("TLS_THUMBPRINT", chain.Thumbprint())
}
