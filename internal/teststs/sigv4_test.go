package teststs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The example of AWS's "Signature Version 4 signing process" documentation
// (IAM ListUsers) and the get-vanilla case of AWS's SigV4 test suite.
const (
	exampleKeyID  = "AKIDEXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	exampleDate   = "20150830T123600Z"
)

func TestSigV4DocumentationExample(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r.Header.Set("X-Amz-Date", exampleDate)
	auth, serr := parseSigV4Auth(sigV4Algorithm + " Credential=" + exampleKeyID + "/20150830/us-east-1/iam/aws4_request, " +
		"SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
	if serr != nil {
		t.Fatal(serr.msg)
	}
	wantCanonical := "GET\n/\nAction=ListUsers&Version=2010-05-08\n" +
		"content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n" +
		"content-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := canonicalRequest(r, nil, auth.SignedHeaders); got != wantCanonical {
		t.Errorf("canonical request\n%s\nwant\n%s", got, wantCanonical)
	}
	if got := hex.EncodeToString(sigV4Key(exampleSecret, "20150830", "us-east-1", "iam")); got != "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9" {
		t.Errorf("signing key %s", got)
	}
	if got := sigV4Signature(r, nil, auth, exampleDate, exampleSecret); got != auth.Signature {
		t.Errorf("signature %s, want %s", got, auth.Signature)
	}
}

func TestSigV4TestSuiteGetVanilla(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "http://example.amazonaws.com/", nil)
	r.Header.Set("X-Amz-Date", exampleDate)
	auth, serr := parseSigV4Auth(sigV4Algorithm + " Credential=" + exampleKeyID + "/20150830/us-east-1/service/aws4_request, " +
		"SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
	if serr != nil {
		t.Fatal(serr.msg)
	}
	if got := sigV4Signature(r, nil, auth, exampleDate, exampleSecret); got != auth.Signature {
		t.Errorf("signature %s, want %s", got, auth.Signature)
	}
	if got := sigV4Signature(r, []byte("x"), auth, exampleDate, exampleSecret); got == auth.Signature {
		t.Error("the body is not signed")
	}
}

// TestSigV4SignedBySDK verifies requests signed by aws-sdk-go-v2's signer,
// with a query, a path to encode, repeated and padded headers and a body.
func TestSigV4SignedBySDK(t *testing.T) {
	body := "Action=AssumeRole&RoleSessionName=a%2Bb"
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9/a%20b/c~d?z=1&a=%2F+x&a=0&empty=", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Add("X-Amz-Meta", "  two   spaces ")
	r.Header.Add("X-Amz-Meta", "second")
	r.Header.Set("X-Amz-Security-Token", "tok+/=")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: exampleKeyID, SecretAccessKey: exampleSecret, SessionToken: "tok+/="}
	at := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "sts", "eu-central-1", at); err != nil {
		t.Fatal(err)
	}
	auth, serr := parseSigV4Auth(r.Header.Get("Authorization"))
	if serr != nil {
		t.Fatal(serr.msg)
	}
	if auth.AccessKeyID != exampleKeyID || auth.Scope() != "20261125/eu-central-1/sts/aws4_request" ||
		!slices.Contains(auth.SignedHeaders, "x-amz-meta") || !slices.Contains(auth.SignedHeaders, "x-amz-security-token") {
		t.Errorf("parsed %+v", auth)
	}
	if got := sigV4Signature(r, []byte(body), auth, r.Header.Get("X-Amz-Date"), exampleSecret); got != auth.Signature {
		t.Errorf("signature %s, the SDK's %s", got, auth.Signature)
	}
	if got := sigV4Signature(r, []byte(body), auth, r.Header.Get("X-Amz-Date"), exampleSecret+"x"); got == auth.Signature {
		t.Error("another secret gives the same signature")
	}
	if v := r.Header.Values("X-Amz-Meta"); v[0] != "  two   spaces " {
		t.Errorf("canonicalizing changed the header: %q", v)
	}
}

func TestCanonicalQuery(t *testing.T) {
	for raw, want := range map[string]string{
		"":                      "",
		"b=2&a=1":               "a=1&b=2",
		"a=2&a=1&a=10":          "a=1&a=10&a=2",
		"k=a+b&k2=%2F%7E&flag":  "flag=&k=a%20b&k2=%2F~",
		"x=%C3%A9&Action=Do%21": "Action=Do%21&x=%C3%A9",
	} {
		if got := canonicalQuery(raw); got != want {
			t.Errorf("canonicalQuery(%q) = %q, want %q", raw, got, want)
		}
	}
	if got := uriEncode("/a b/é~", false); got != "/a%20b/%C3%A9~" {
		t.Errorf("uriEncode = %q", got)
	}
}

func TestParseSigV4AuthErrors(t *testing.T) {
	for h, want := range map[string]string{
		"":                   "MissingAuthenticationToken",
		"AWS4-HMAC-SHA1 x=y": "IncompleteSignature",
		sigV4Algorithm + " Credential=AKID/20150830/us-east-1/sts/aws4_request, SignedHeaders=host": "IncompleteSignature",
		sigV4Algorithm + " Credential=AKID/20150830/sts, SignedHeaders=host, Signature=ab":          "IncompleteSignature",
	} {
		if _, serr := parseSigV4Auth(h); serr == nil || serr.code != want {
			t.Errorf("parseSigV4Auth(%q) = %v, want %s", h, serr, want)
		}
	}
}
