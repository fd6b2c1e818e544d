//go:build !linux

package main

import "github.com/rogpeppe/go-internal/testscript"

// canMount: tmpfs mounts are linux only.
func canMount() bool { return false }

// fulldisk needs a tmpfs mount: linux only. Guard it with [mount].
func cmdFullDisk(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("fulldisk: tmpfs mounts are linux only; guard with [mount]")
}
