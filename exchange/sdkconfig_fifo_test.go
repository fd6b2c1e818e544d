//go:build unix

package exchange

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// A FIFO as the shared config or credentials file or as the CA bundle is
// refused at once, before the SDK would block reading it; ReadSDKFile
// refuses one too.
func TestSDKFilesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	testkit.FIFO(t, fifo)
	for _, v := range []string{ConfigFileVar, CredentialsFileVar, CABundleVar} {
		t.Run(v, func(t *testing.T) {
			hermeticAWS(t)
			t.Setenv(CABundleVar, "")
			t.Setenv(v, fifo)
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
			defer cancel()
			_, err := NewExchanger(ctx, ClientOptions{Region: "us-east-1"})
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Setting != v || ce.Value != fifo || ce.Problem != ConfigNotRegular {
				t.Fatalf("NewExchanger: %v, want a FIFO refused for %s", err, v)
			}
			if ctx.Err() != nil {
				t.Error("refused only when the deadline passed")
			}
			_, err = ReadSDKFile(ctx, SDKFile{Variable: v, Path: fifo})
			if !errors.As(err, &ce) || ce.Problem != ConfigNotRegular {
				t.Errorf("ReadSDKFile: %v", err)
			}
		})
	}
}
