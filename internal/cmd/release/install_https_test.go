// BusyBox's wget (1.35, Debian 12) sends no signature_algorithms, which
// Go's TLS server takes as SHA-1 only with this setting (test binary only).

//go:debug tlssha1=1

package main

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// redirector is an https server on loopback that sends every request on:
// /via/PATH to to+PATH, any other PATH to /via/PATH on itself (a Location
// without a scheme), so that a download takes two redirects, as GitHub's
// release downloads take one to objects.githubusercontent.com.
func redirector(t *testing.T, to string) *httptest.Server {
	t.Helper()
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/via/"); ok {
			http.Redirect(w, r, to+"/"+rest, http.StatusFound)
			return
		}
		http.Redirect(w, r, "/via"+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(s.Close)
	return s
}

// trusting is the environment in which install.sh's curl and GNU wget
// trust the test servers' certificate (BusyBox's wget checks none).
func trusting(t *testing.T, s *httptest.Server) []string {
	t.Helper()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "wgetrc")
	if err := os.WriteFile(rc, []byte("ca_certificate = "+ca+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"CURL_CA_BUNDLE=" + ca, "WGETRC=" + rc}
}

// From an https base URL install.sh follows redirects to https, with
// curl, GNU wget and BusyBox's wget alike, and refuses a download, or the
// latest release's lookup, that a redirect sent to http: the release's
// files are on a plain http server too, so only the scheme stops it.
func TestInstallHTTPS(t *testing.T) {
	dir := hostReleaseDir(t)
	bin := binaryOf(t, dir, hostTarget(t))
	for _, e := range installEnvs(t) {
		t.Run(e.name, func(t *testing.T) {
			secure := newReleaseServer(t, dir)
			secure.StartTLS()
			plain := serveRelease(t, dir)
			for _, c := range []struct {
				name, to, version, refusal string
			}{
				{"to https", secure.URL, testVersion, ""},
				{"the latest, to https", secure.URL, "", ""},
				{"to http", plain.URL, testVersion, "/releases/download/" + testVersion + "/" + sumsName(testVersion) + " redirects to a URL that is not https: the download is not used"},
				{"the latest, to http", plain.URL, "", "/releases/latest redirects to a URL that is not https"},
			} {
				t.Run(c.name, func(t *testing.T) {
					front := redirector(t, c.to)
					env := append(trusting(t, front), "OIDC_CREDS_BASE_URL="+front.URL+"/releases/download", "OIDC_CREDS_VERSION="+c.version)
					run := install(t, e, plain, env...)
					if c.refusal != "" {
						run.refused(t, c.refusal, nil)
						return
					}
					run.installed(t, run.dir, "oidc-creds", bin)
				})
			}
		})
	}
}
