package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

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

// TestAWSSetupScript runs scripts/aws-setup.sh against a stand-in aws on
// PATH that records its arguments (testdata/aws-setup/*.txtar).
func TestAWSSetupScript(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("scripts/aws-setup.sh is a bash script")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	repo, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/aws-setup",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SCRIPTS", filepath.Join(repo, "scripts"))
			env.Setenv("HOME", env.WorkDir)
			installFakeAWS(env, filepath.Join(repo, "testdata", "aws-setup", "bin"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tlsissuer": cmdTLSIssuer,
			"status":    cmdStatus,
		},
	})
}

// installFakeAWS puts the stand-in AWS CLI (bin/aws, checked in as an
// executable) first on the script's PATH, recording its calls in
// $WORK/calls.log (AWS_LOG). It is not written at run time: an executable
// written while another test forks can fail to start with "text file busy".
func installFakeAWS(env *testscript.Env, bin string) {
	env.Setenv("PATH", bin+string(os.PathListSeparator)+env.Getenv("PATH"))
	env.Setenv("AWS_LOG", filepath.Join(env.WorkDir, "calls.log"))
}
