package cli

import (
	"os/exec"
	"syscall"
)

// parentDeathSignal is what the command gets when oidc-creds dies before it,
// even by SIGKILL: SIGTERM, so that it can stop cleanly (pulumi saves its
// state on SIGTERM) rather than go on with credentials nobody renews.
const parentDeathSignal = syscall.SIGTERM

// setParentDeathSignal asks the kernel to send parentDeathSignal to the
// command when its parent thread dies (prctl PR_SET_PDEATHSIG); the child
// checks after the prctl that its parent is still there, so a death during
// the start is not missed.
func setParentDeathSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = parentDeathSignal
}
