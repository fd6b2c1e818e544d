package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// TestExecKilledTheCommandIsSignalled kills oidc-creds exec with SIGKILL,
// which it cannot forward: the kernel sends the command SIGTERM all the
// same (the parent-death signal), so it does not live on with credentials
// nobody renews. The kernel may send it more than once while oidc-creds'
// threads exit, so the command ignores the repeats. It gives up on its own
// after about 2s, so that a failure cannot hang the test.
func TestExecKilledTheCommandIsSignalled(t *testing.T) {
	t.Parallel()
	s := teststs.NewForTest(t, teststs.Options{})
	for _, refresh := range []bool{false, true} {
		t.Run(fmt.Sprintf("refresh=%v", refresh), func(t *testing.T) {
			t.Parallel()
			args := []string{"exec"}
			if refresh {
				args = append(args, "--refresh")
			}
			script := `trap 'trap "" TERM; echo got TERM; exit 0' TERM; echo $$; i=0; while [ $i -lt 40 ]; do sleep 0.05; i=$((i+1)); done; echo no signal`
			cmd := oidcCredsCmd(t, s, append(args, "--", "sh", "-c", script)...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r := bufio.NewReader(stdout)
			line, err := r.ReadString('\n')
			if err != nil {
				cmd.Process.Kill()
				t.Fatalf("reading the command's pid: %v; stderr:\n%s", err, stderr.String())
			}
			pid, err := strconv.Atoi(strings.TrimSpace(line))
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			// Read before Wait, which closes the pipe: until the command
			// (and its last sleep) has exited.
			rest, _ := io.ReadAll(r)
			_ = cmd.Wait()
			if got := string(rest); got != "got TERM\n" {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("after exec was killed, the command printed %q, want \"got TERM\\n\"; stderr:\n%s", got, stderr.String())
			}
		})
	}
}
