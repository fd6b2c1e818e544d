//go:build unix && !linux

package cli

import "os/exec"

// setParentDeathSignal does nothing here: only Linux signals a process
// when its parent dies, so the command outlives an oidc-creds killed by
// SIGKILL (README: Long-running jobs).
func setParentDeathSignal(cmd *exec.Cmd) {}
