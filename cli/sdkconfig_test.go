package cli

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/userfile"
)

// The sentences for the SDK's settings that the scripts cannot reach: a
// file that blocks, one too large or unreadable, a variable of no known
// rule, an error of no known kind. Each names the setting and what to do.
func TestConfigSentences(t *testing.T) {
	blocked := fmt.Errorf("reading x did not finish: %w", context.DeadlineExceeded)
	for _, tc := range []struct {
		err  *exchange.ConfigError
		want string
	}{
		{&exchange.ConfigError{Setting: "AWS_CA_BUNDLE", Value: "/ca", Problem: exchange.ConfigUnreadable, Err: blocked},
			"the file /ca that AWS_CA_BUNDLE names gave nothing within OIDC_CREDS_TIMEOUT (a FIFO no one writes to, or a hung mount?); point AWS_CA_BUNDLE at a file of PEM CA certificates, or unset it"},
		{&exchange.ConfigError{Setting: "AWS_CONFIG_FILE", Value: "/c", Problem: exchange.ConfigUnreadable, Err: &userfile.TooLargeError{Path: "/c", Limit: 16 << 20}},
			"the file /c that AWS_CONFIG_FILE names is larger than 16 MiB, more than any AWS file; point AWS_CONFIG_FILE at a plain file, or unset it"},
		{&exchange.ConfigError{Setting: "AWS_SHARED_CREDENTIALS_FILE", Value: "/h/.aws/credentials", Default: true, Problem: exchange.ConfigUnreadable, Err: &fs.PathError{Op: "open", Path: "/h/.aws/credentials", Err: fs.ErrPermission}},
			"the AWS credentials file /h/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE is unset) cannot be read (permission denied); fix its permissions, or make it a plain file, or set AWS_SHARED_CREDENTIALS_FILE to one"},
		{&exchange.ConfigError{Setting: "ca_bundle", Value: "/p.pem", Problem: exchange.ConfigMissing},
			"the CA bundle /p.pem that the AWS profile's ca_bundle names does not exist; point ca_bundle at a file of PEM CA certificates, or remove it from the profile"},
		{&exchange.ConfigError{Setting: "AWS_SDK_UA_APP_ID", Value: "x", Problem: exchange.ConfigBadValue, Err: fmt.Errorf("too long")},
			`the environment variable AWS_SDK_UA_APP_ID is "x", which the AWS SDK does not read (too long); fix or unset it`},
		{&exchange.ConfigError{Problem: exchange.ConfigBlocked, Err: context.DeadlineExceeded},
			"loading the AWS configuration did not finish within OIDC_CREDS_TIMEOUT: a file the AWS SDK reads blocks (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE or a profile's ca_bundle: a FIFO, a hung mount?); fix or unset the variable that names it"},
		{&exchange.ConfigError{Problem: exchange.ConfigUnknown, Err: fmt.Errorf("odd")},
			"the AWS SDK cannot load its configuration (the AWS_ variables, the config and credentials files): odd"},
	} {
		e := testkit.WantKind(t, explainConfig(tc.err, "OIDC_CREDS_TIMEOUT"), creds.KindInput)
		if e.Msg != tc.want {
			t.Errorf("\n got %s\nwant %s", e.Msg, tc.want)
		}
		if strings.Contains(e.Msg, "fix the setting it names") {
			t.Errorf("%q names nothing", e.Msg)
		}
	}
}
