//go:build !linux

package main

import "github.com/rogpeppe/go-internal/testscript"

// bindmount is linux only. Guard it with [mount].
func cmdBindMount(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("bindmount: linux only; guard with [mount]")
}
