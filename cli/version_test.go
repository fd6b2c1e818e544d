package cli

import (
	"runtime/debug"
	"testing"
)

func TestCommitOf(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "unknown"},
		{"go build in a checkout", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")}, rev},
		{"modified checkout", &debug.BuildInfo{Settings: vcs(rev, "true")}, rev + "-dirty"},
		{"go install @v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "unknown"},
		{"go install @main", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201221600-0123456789ab"}}, "0123456789ab"},
		{"after a tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.4-0.20261201221600-0123456789ab"}}, "0123456789ab"},
		{"after a pre-release", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3-rc.1.0.20261201221600-0123456789ab"}}, "0123456789ab"},
		{"a pre-release", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3-rc.1"}}, "unknown"},
	} {
		if got := commitOf(tc.bi); got != tc.want {
			t.Errorf("%s: commitOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}
