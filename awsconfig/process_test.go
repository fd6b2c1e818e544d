package awsconfig

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The helper process: the test binary re-executed with helperPath set runs
// TestHelperUpdate, which adds profile helperProfile to the file, slowly.
const (
	helperPath    = "OIDC_CREDS_AWSCONFIG_HELPER_PATH"
	helperProfile = "OIDC_CREDS_AWSCONFIG_HELPER_PROFILE"
)

func TestHelperUpdate(t *testing.T) {
	path := os.Getenv(helperPath)
	if path == "" {
		t.Skip("run as a helper process only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	edit := setProfile(os.Getenv(helperProfile))
	_, err := Update(ctx, path, KeepMode, func(old []byte) ([]byte, error) {
		time.Sleep(5 * time.Millisecond) // a slow disk: without the lock, others read meanwhile
		return edit(old)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func helperCmd(t *testing.T, path, profile string, wrap ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := append(wrap, exe, "-test.run=^TestHelperUpdate$")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), helperPath+"="+path, helperProfile+"="+profile)
	return cmd
}

// 20 processes that edit one config file at once all succeed, and all 20
// profiles are there after (without the lock, most were lost).
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	p := filepath.Join(t.TempDir(), "config")
	os.WriteFile(p, []byte("# mine\n[default]\nregion = eu-west-1\n"), 0o600)
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([][]byte, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = helperCmd(t, p, fmt.Sprint("p", i)).CombinedOutput()
		}()
	}
	wg.Wait()
	got := mustRead(t, p)
	for i := range n {
		if errs[i] != nil {
			t.Errorf("process %d: %v\n%s", i, errs[i], outs[i])
		}
		if _, ok := ProfileValue(got, fmt.Sprint("p", i), cp); !ok {
			t.Errorf("profile p%d lost", i)
		}
	}
	if !strings.HasPrefix(string(got), "# mine\n[default]\nregion = eu-west-1\n") {
		t.Errorf("the start of the file changed:\n%s", got)
	}
}

// A config file that is a bind mount (docker run -v ~/.aws/config:…) cannot
// be renamed over (EBUSY): it is rewritten in place. This mounts one for
// real, in a mount namespace of its own (root and unshare needed);
// TestUpdateInPlaceWhenRenameRefused covers the same through a seam.
func TestBindMountedConfig(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on linux")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare")
	}
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "host-config"), filepath.Join(dir, "aws", "config")
	os.MkdirAll(filepath.Dir(dst), 0o700)
	os.WriteFile(src, []byte("[profile host]\nregion = x\n"), 0o600)
	os.WriteFile(dst, nil, 0o600)
	probe := exec.Command(unshare, "-m", "true")
	if out, err := probe.CombinedOutput(); err != nil {
		t.Skipf("unshare -m does not work here: %v %s", err, out)
	}
	cmd := helperCmd(t, dst, "container", unshare, "-m", "--propagation", "private", "sh", "-c",
		`mount --bind "$0" "$1" && shift && exec "$@"`, src, dst)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("helper in a mount namespace: %v\n%s", err, out)
	}
	got := mustRead(t, src)
	if _, ok := ProfileValue(got, "container", cp); !ok || !strings.HasPrefix(string(got), "[profile host]\nregion = x\n") {
		t.Errorf("the mounted file holds %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(dst))
	for _, e := range entries {
		if e.Name() != "config" && e.Name() != "config.lock" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
