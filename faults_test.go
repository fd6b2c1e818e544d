package main

import (
	"encoding/pem"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// Commands for the fault and secrets scripts (faults.txtar, secrets.txtar).

// waitLimit bounds the waits below. It is a safety net against a hung
// script, never a timing assertion: the conditions hold within milliseconds.
const waitLimit = 2 * time.Minute

// waitfor FILE REGEXP waits until FILE (relative to $WORK), which a
// background command writes, matches REGEXP.
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: waitfor FILE REGEXP")
	}
	re := regexp.MustCompile(args[1])
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(waitLimit)
	for {
		b, _ := os.ReadFile(path)
		if re.Match(b) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s did not match %q within %s; it holds:\n%s", args[0], args[1], waitLimit, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stswait N waits until the test STS has received N requests (answered or
// still pending).
func cmdSTSWait(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: stswait N")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	deadline := time.Now().Add(waitLimit)
	for server(ts).Calls() < n {
		if time.Now().After(deadline) {
			ts.Fatalf("the test STS received %d requests within %s, want %d", server(ts).Calls(), waitLimit, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// tlssts starts an HTTPS front for the test STS whose certificate (for
// 127.0.0.1) is self-signed, so no system trusts it. It sets TLS_STS_URL
// and writes the certificate to $WORK/sts-ca.pem, for AWS_CA_BUNDLE.
func cmdTLSSTS(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 0 || neg {
		ts.Fatalf("usage: tlssts")
	}
	target, err := url.Parse(server(ts).URL)
	ts.Check(err)
	srv := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	ts.Defer(srv.Close)
	ts.Check(os.WriteFile(ts.MkAbs("sts-ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	ts.Setenv("TLS_STS_URL", srv.URL)
}

// rawsts VAR STATUS FILE starts a server that answers every request with
// HTTP STATUS and the content of FILE (Content-Type text/xml), and sets VAR
// to its URL: an "STS" that answers with anything at all. STATUS "hangup"
// closes each connection without an answer instead.
func cmdRawSTS(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: rawsts VAR STATUS|hangup FILE")
	}
	body := []byte(ts.ReadFile(args[2]))
	var h http.HandlerFunc
	if args[1] == "hangup" {
		h = func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }
	} else {
		status, err := strconv.Atoi(args[1])
		ts.Check(err)
		h = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(status)
			w.Write(body)
		}
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = nil
	srv.Start()
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

// cachefiles DIR [N] checks everything oidc-creds left in the cache
// directory DIR: the directory is 0700; every file in it is a regular file
// with mode 0600; lock files are empty; no temporary file is left; no file
// holds a token minted in this script, its payload or its signature, nor a
// CI request token or a token a CI platform issued (ciSecrets). With
// N, it also checks that DIR holds N entries (KEY.json files).
func cmdCacheFiles(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 || neg {
		ts.Fatalf("usage: cachefiles DIR [ENTRIES]")
	}
	dir := ts.MkAbs(args[0])
	serversMu.Lock()
	toks := append([]string(nil), minted[ts.Getenv("WORK")]...)
	serversMu.Unlock()
	var secrets []string
	for _, tok := range toks {
		parts := strings.Split(tok, ".")
		secrets = append(secrets, tok, parts[1], parts[2])
	}
	secrets = append(secrets, ciSecrets(ts)...)
	entries := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		name := d.Name()
		if path == dir {
			if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
				ts.Fatalf("%s: mode %v, want a directory with mode 0700", path, fi.Mode())
			}
			return nil
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
			ts.Fatalf("%s: mode %v, want a regular file with mode 0600", path, fi.Mode())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(name, ".") && strings.Contains(name, ".json.tmp-"):
			ts.Fatalf("%s: a temporary file was left behind", path)
		case strings.HasSuffix(name, ".lock") && len(b) > 0:
			ts.Fatalf("%s: a lock file holds %d bytes, want none", path, len(b))
		case strings.HasSuffix(name, ".json"):
			entries++
		}
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				ts.Fatalf("%s holds a token, its payload or its signature", path)
			}
		}
		return nil
	})
	ts.Check(err)
	if len(args) == 2 {
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if entries != want {
			ts.Fatalf("%s holds %d entries, want %d", args[0], entries, want)
		}
	}
}

// scriptCondition adds [mount]: this process may mount a tmpfs (fulldisk).
func scriptCondition(cond string) (bool, error) {
	switch cond {
	case "mount":
		return canMount(), nil
	case "botocore":
		return testkit.FindBotocore() != nil, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// issuedSecrets holds, by work dir, the secret access keys and session tokens the
// test STS issued before an "stsfault reset" cleared its requests, so that
// nosecrets keeps checking them.
var issuedSecrets = map[string][]string{}

func rememberIssued(ts *testscript.TestScript) {
	var secrets []string
	for _, r := range server(ts).Requests() {
		for _, s := range []string{r.SecretAccessKey, r.SessionToken} {
			if s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	serversMu.Lock()
	defer serversMu.Unlock()
	issuedSecrets[ts.Getenv("WORK")] = append(issuedSecrets[ts.Getenv("WORK")], secrets...)
}

func issuedBefore(ts *testscript.TestScript) []string {
	serversMu.Lock()
	defer serversMu.Unlock()
	return append([]string(nil), issuedSecrets[ts.Getenv("WORK")]...)
}
