package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// sdkReaches reports whether aws-sdk-go-v2's STS client, given region and
// endpoint, sends its request to the server at all.
func sdkReaches(t *testing.T, region, endpoint string, reached *bool) bool {
	t.Helper()
	*reached = false
	c := sts.New(sts.Options{Region: region, BaseEndpoint: aws.String(endpoint), Retryer: aws.NopRetryer{}})
	_, _ = c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(testRole), RoleSessionName: aws.String("s1"), WebIdentityToken: aws.String("abcd")})
	return *reached
}

// The SDK is the reference: a region or endpoint URL is refused exactly
// when the SDK would not send the request (or, for an empty host name,
// would send it to this machine without saying so).
func TestEndpointRulesAgreeWithTheSDK(t *testing.T) {
	var reached bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		w.WriteHeader(500)
	}))
	defer srv.Close()
	hostPort := strings.TrimPrefix(srv.URL, "http://")
	port := hostPort[strings.LastIndexByte(hostPort, ':')+1:]
	for _, tc := range []struct {
		url  string
		want string // "" = accepted
	}{
		{srv.URL, ""},
		{"HTTP://" + hostPort, ""},
		{srv.URL + "/path?x=1#f", ""},
		{hostPort, "has no scheme; write it as http://" + hostPort},
		{"localhost:" + port, "has no scheme"},
		{"not a url", "is not a URL"},
		{"//" + hostPort, "is not a URL"},
		{"ftp://" + hostPort, `has the scheme "ftp"`},
		{"http://", "has no host name"},
		{" " + srv.URL, "is not a URL"},
		{srv.URL + " ", "is not a URL"},
		{"http://127.0.0.1:abc", "is not a URL"},
		{"http://127.0.0.1:99999", "has the port 99999"},
		{"http://a b:1", "is not a URL"},
	} {
		err := checkEndpointURL(tc.url, "--endpoint-url")
		if sdk := sdkReaches(t, "us-east-1", tc.url, &reached); sdk != (tc.want == "") {
			t.Errorf("%q: the SDK reaches the server: %v; the test expects %q", tc.url, sdk, tc.want)
		}
		checkWant(t, tc.url, err, tc.want)
	}
	// Stricter than the SDK on purpose: it dials this machine for an empty host.
	checkWant(t, "http://:"+port, checkEndpointURL("http://:"+port, "--endpoint-url"), "has no host name")
	// And for a user name or password, which the SDK would send and
	// messages would repeat: refused, without repeating it.
	for _, u := range []string{"http://user:s3cret-pw@" + hostPort, "https://s3cret-pw@sts.amazonaws.com", "http://:s3cret-pw@" + hostPort + "/"} {
		err := checkEndpointURL(u, "AWS_ENDPOINT_URL")
		checkWant(t, u, err, "the endpoint URL (AWS_ENDPOINT_URL) holds a user name or password")
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: the message repeats the password: %v", u, err)
		}
	}

	for _, tc := range []struct{ region, want string }{
		{"us-east-1", ""}, {"US-EAST-1", ""}, {"a.b", ""}, {"cn-north-1", ""},
		{"us east 1", "is not a region name"}, {"-us", "is not a region"}, {"us-", "is not a region"},
		{"a..b", "is not a region"}, {"us_east_1", "is not a region"}, {"ü", "is not a region"},
		{strings.Repeat("a", 64), "is not a region"}, {"a.", "is not a region"},
	} {
		err := checkRegion(tc.region, "--region")
		if sdk := sdkReaches(t, tc.region, srv.URL, &reached); sdk != (tc.want == "") {
			t.Errorf("region %q: the SDK reaches the server: %v; the test expects %q", tc.region, sdk, tc.want)
		}
		checkWant(t, tc.region, err, tc.want)
	}
}

func checkWant(t *testing.T, in string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%q: %v", in, err)
		}
		return
	}
	e := testkit.WantKind(t, err, creds.KindInput)
	if !strings.Contains(e.Msg, want) {
		t.Errorf("%q: %q does not contain %q", in, e.Msg, want)
	}
}

// Malformed regions and endpoints, from the flags or from the SDK's
// environment, exit 2 with one sentence, before any network call.
func TestMalformedEndpointExits2(t *testing.T) {
	t.Setenv("T", testkit.JWT(t, testkit.PulumiClaims()))
	withNow(t, time.Unix(1899999000, 0))
	t.Setenv("OIDC_CREDS_NO_CACHE", "1")
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"--region", "us east 1"}, `the region "us east 1" (--region) is not a region name`},
		{nil, []string{"--endpoint-url", "127.0.0.1:1234"}, `the endpoint URL "127.0.0.1:1234" (--endpoint-url) has no scheme`},
		{nil, []string{"--endpoint-url", "not a url"}, `the endpoint URL "not a url" (--endpoint-url) is not a URL`},
		{map[string]string{"AWS_REGION": "us east 1"}, nil, `the region "us east 1" (AWS_REGION) is not a region name`},
		{map[string]string{"AWS_ENDPOINT_URL_STS": "127.0.0.1:9"}, nil, `(AWS_ENDPOINT_URL_STS) has no scheme`},
		{map[string]string{"AWS_USE_FIPS_ENDPOINT": "true"}, []string{"--endpoint-url", "http://127.0.0.1:9"}, "cannot be combined with a FIPS endpoint"},
		{nil, []string{"--region", "fips-us-east-1", "--endpoint-url", "http://127.0.0.1:9"}, "cannot be combined with a FIPS endpoint"},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		for _, cmd := range []string{"process", "doctor"} {
			args := append([]string{cmd, "--role-arn", testRole, "--token-env", "T"}, tc.args...)
			var stdout, stderr strings.Builder
			status := Main(args, strings.NewReader(""), &stdout, &stderr)
			out := stderr.String() + stdout.String()
			if status != 2 || !strings.Contains(out, tc.want) {
				t.Errorf("%q %v: status %d, want 2 and %q:\n%s", args, tc.env, status, tc.want, out)
			}
			if cmd == "process" && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("%q: not one line:\n%s", args, stderr.String())
			}
		}
		for k := range tc.env {
			os.Unsetenv(k) // t.Setenv restores it after the test
		}
	}
}
