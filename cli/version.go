package cli

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"sync"
)

// version and commit are set at build time by scripts/release.sh with
// -ldflags "-X …/cli.version=v1.2.3 -X …/cli.commit=HASH"; otherwise they
// come from the build info that go build and go install record.
var version, commit = "", ""

// VersionCmd prints the version.
type VersionCmd struct{}

// Run prints "oidc-creds VERSION (GO, OS/ARCH)", then "commit COMMIT".
func (VersionCmd) Run(o *IO) error {
	_, err := fmt.Fprintf(o.Stdout, "oidc-creds %s (%s, %s/%s)\ncommit %s\n", Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH, Commit())
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

// Commit is the commit the program was built from, or "unknown".
func Commit() string {
	if commit != "" {
		return commit
	}
	bi, _ := debug.ReadBuildInfo()
	return commitOf(bi)
}

// pseudoRev matches a pseudo-version (go install …@COMMIT or @main) and
// captures its 12-digit revision.
// Compiled when first used: a package-level regexp is compiled in every run.
var pseudoRev = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^v\d+\.\d+\.\d+-(?:[0-9A-Za-z-]+\.)*\d{14}-([0-9a-f]{12})(?:\+incompatible)?$`)
})

// commitOf reads vcs.revision ("-dirty" appended when vcs.modified), which
// go build records in a checkout, else the revision of a pseudo-version;
// go install of a tagged version records neither.
func commitOf(bi *debug.BuildInfo) string {
	if bi == nil {
		return "unknown"
	}
	rev, dirty := "", ""
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev != "" {
		return rev + dirty
	}
	if m := pseudoRev().FindStringSubmatch(bi.Main.Version); m != nil {
		return m[1]
	}
	return "unknown"
}
