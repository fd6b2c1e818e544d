package exchange

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
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

// Each setting the SDK refuses comes back as a *ConfigError that names it,
// from the SDK's real errors.
func TestNewExchangerBadConfig(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	config := filepath.Join(dir, "config-with-ca")
	for name, content := range map[string]string{notPEM: "not a certificate\n", config: "[default]\nca_bundle = " + filepath.Join(dir, "gone.pem") + "\n"} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		setting string
		value   string
		problem ConfigProblem
	}{
		{"max attempts", map[string]string{"AWS_MAX_ATTEMPTS": "many"}, "AWS_MAX_ATTEMPTS", "many", ConfigBadValue},
		{"retry mode", map[string]string{"AWS_RETRY_MODE": "eager"}, "AWS_RETRY_MODE", "eager", ConfigBadValue},
		{"fips", map[string]string{"AWS_USE_FIPS_ENDPOINT": "maybe"}, "AWS_USE_FIPS_ENDPOINT", "maybe", ConfigBadValue},
		{"no profile", map[string]string{"AWS_PROFILE": "nonexist"}, "AWS_PROFILE", "nonexist", ConfigNoProfile},
		{"CA bundle missing", map[string]string{"AWS_CA_BUNDLE": filepath.Join(dir, "missing.pem")}, "AWS_CA_BUNDLE", filepath.Join(dir, "missing.pem"), ConfigMissing},
		{"CA bundle a directory", map[string]string{"AWS_CA_BUNDLE": dir}, "AWS_CA_BUNDLE", dir, ConfigNotRegular},
		{"CA bundle not PEM", map[string]string{"AWS_CA_BUNDLE": notPEM}, "AWS_CA_BUNDLE", notPEM, ConfigNotPEM},
		{"config a directory", map[string]string{"AWS_CONFIG_FILE": dir}, "AWS_CONFIG_FILE", dir, ConfigNotRegular},
		{"credentials a directory", map[string]string{"AWS_SHARED_CREDENTIALS_FILE": dir}, "AWS_SHARED_CREDENTIALS_FILE", dir, ConfigNotRegular},
		{"profile's ca_bundle missing", map[string]string{"AWS_CONFIG_FILE": config}, "ca_bundle", filepath.Join(dir, "gone.pem"), ConfigMissing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hermeticAWS(t)
			t.Setenv("AWS_CA_BUNDLE", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := NewExchanger(context.Background(), ClientOptions{Region: "us-east-1"})
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want a *ConfigError", err, err)
			}
			if ce.Setting != tc.setting || ce.Value != tc.value || ce.Problem != tc.problem {
				t.Errorf("%+v, want setting %s, value %q, problem %d", ce, tc.setting, tc.value, tc.problem)
			}
			if ce.ExitCode() != int(creds.KindInput) {
				t.Errorf("exit %d", ce.ExitCode())
			}
		})
	}
}
