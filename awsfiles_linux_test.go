package main

import (
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

// bindmount SRC DST bind-mounts the file SRC on the file DST (relative to
// $WORK), as docker run -v does, until the script ends: DST can then not be
// renamed over (EBUSY). Guard it with [mount].
func cmdBindMount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: bindmount SRC DST")
	}
	dst := ts.MkAbs(args[1])
	ts.Check(syscall.Mount(ts.MkAbs(args[0]), dst, "", syscall.MS_BIND, ""))
	ts.Defer(func() { syscall.Unmount(dst, syscall.MNT_DETACH) })
}
