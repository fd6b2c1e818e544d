//go:build unix

package exchange

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// A policy file that blocks (a FIFO no one writes) fails as an input
// problem when ctx ends, instead of hanging the run.
func TestLoadPolicyHonoursDeadline(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "policy.fifo")
	testkit.FIFO(t, fifo)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := LoadPolicy(ctx, "@"+fifo, "--policy")
	e := testkit.WantKind(t, err, creds.KindInput)
	if want := "cannot read the session policy file " + fifo + ": it gave nothing in time"; !strings.Contains(e.Error(), want) {
		t.Errorf("message %q does not contain %q", e.Error(), want)
	}
}
