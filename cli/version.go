package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X …/cli.version=v1.2.3";
// otherwise the module version that go install recorded is used.
var version = ""

// VersionCmd prints the version.
type VersionCmd struct{}

// Run prints "oidc-creds VERSION (GO, OS/ARCH)".
func (VersionCmd) Run(o *IO) error {
	_, err := fmt.Fprintf(o.Stdout, "oidc-creds %s (%s, %s/%s)\n", Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

// Version is the program's version.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
