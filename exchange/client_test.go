package exchange

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// hermeticAWS points the SDK's configuration at nothing.
func hermeticAWS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
		"AWS_MAX_ATTEMPTS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_STS_REGIONAL_ENDPOINTS"} {
		t.Setenv(k, "")
	}
}

func TestNewExchanger(t *testing.T) {
	for _, tc := range []struct {
		name         string
		opts         ClientOptions
		env          map[string]string
		wantEndpoint string
		wantRegion   string
		wantLog      string
	}{
		{"no region", ClientOptions{}, nil, "https://sts.us-east-1.amazonaws.com", GlobalRegion, "no region configured"},
		{"region flag", ClientOptions{Region: "eu-west-1"}, nil, "https://sts.eu-west-1.amazonaws.com", "eu-west-1", ""},
		{"region from environment", ClientOptions{}, map[string]string{"AWS_REGION": "ap-southeast-2"}, "https://sts.ap-southeast-2.amazonaws.com", "ap-southeast-2", ""},
		{"endpoint flag", ClientOptions{Region: "us-east-1", EndpointURL: "http://127.0.0.1:9000"}, nil, "http://127.0.0.1:9000", "us-east-1", ""},
		{"endpoint from environment", ClientOptions{Region: "us-east-1"}, map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9001"}, "http://127.0.0.1:9001", "us-east-1", ""},
		{"max attempts from environment", ClientOptions{Region: "us-east-1"}, map[string]string{"AWS_MAX_ATTEMPTS": "9"}, "https://sts.us-east-1.amazonaws.com", "us-east-1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hermeticAWS(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var logs []string
			tc.opts.Logf = func(format string, args ...any) { logs = append(logs, format) }
			x, err := NewExchanger(context.Background(), tc.opts)
			if err != nil {
				t.Fatalf("NewExchanger: %v", err)
			}
			if x.Endpoint != tc.wantEndpoint || x.Region != tc.wantRegion {
				t.Errorf("endpoint %q, region %q; want %q, %q", x.Endpoint, x.Region, tc.wantEndpoint, tc.wantRegion)
			}
			wantMax := DefaultMaxAttempts
			if tc.env["AWS_MAX_ATTEMPTS"] == "9" {
				wantMax = 9
			}
			if x.MaxAttempts != wantMax {
				t.Errorf("MaxAttempts = %d, want %d", x.MaxAttempts, wantMax)
			}
			if x.Client == nil {
				t.Errorf("no client")
			}
			if tc.wantLog != "" && !strings.Contains(strings.Join(logs, "\n"), tc.wantLog) {
				t.Errorf("logs %q do not mention %q", logs, tc.wantLog)
			}
		})
	}
}

func TestNewExchangerBadConfig(t *testing.T) {
	hermeticAWS(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "many")
	_, err := NewExchanger(context.Background(), ClientOptions{Region: "us-east-1"})
	e := testkit.WantKind(t, err, creds.KindInput)
	if !strings.Contains(e.Error(), "AWS configuration") {
		t.Errorf("message %q", e.Error())
	}
}
