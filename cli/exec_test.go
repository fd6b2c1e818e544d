package cli

import (
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestChildEnv(t *testing.T) {
	environ := []string{
		"PATH=/usr/bin",
		"AWS_PROFILE=deploy",
		"AWS_REGION=eu-west-1",
		"AWS_ACCESS_KEY_ID=old",
		"AWS_SECURITY_TOKEN=old",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/x",
		"AWS_WEB_IDENTITY_TOKEN_FILE=/t",
		"AWS_ROLE_ARN=arn:aws:iam::1:role/r",
		"AWS_ENDPOINT_URL=http://localhost:4566",
		"AWS_PROFILE_EXTRA=kept",
		"XAWS_PROFILE=kept",
		"=C:=C:\\x",
		"NOEQUALS",
		"PULUMI_OIDC_TOKEN=tok",
	}
	env, removed := childEnv(environ)
	want := []string{
		"PATH=/usr/bin", "AWS_REGION=eu-west-1", "AWS_ENDPOINT_URL=http://localhost:4566",
		"AWS_PROFILE_EXTRA=kept", "XAWS_PROFILE=kept", "=C:=C:\\x", "NOEQUALS", "PULUMI_OIDC_TOKEN=tok",
	}
	if !slices.Equal(env, want) {
		t.Errorf("env:\n got %q\nwant %q", env, want)
	}
	wantRemoved := []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECURITY_TOKEN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"}
	if !slices.Equal(removed, wantRemoved) {
		t.Errorf("removed: got %q, want %q", removed, wantRemoved)
	}

	// Names are case-sensitive except on Windows.
	env, _ = childEnv([]string{"aws_profile=x"})
	if got := len(env) == 0; got != (runtime.GOOS == "windows") {
		t.Errorf("aws_profile removed: %v on %s", got, runtime.GOOS)
	}
}

func TestExitStatusIsSilent(t *testing.T) {
	var b strings.Builder
	if got := report(&b, exitStatus(42)); got != 42 || b.String() != "" {
		t.Errorf("report(exitStatus(42)) = %d, printed %q", got, b.String())
	}
	if got := report(&b, commandError("nope", exec.ErrNotFound)); got != 127 || b.String() == "" {
		t.Errorf("report(not found) = %d, printed %q", got, b.String())
	}
}
