package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lastLine moves the line of name in a checksums file to the end, without
// a line break after it.
func lastLine(b []byte, name string) []byte {
	var keep []string
	var last string
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if strings.HasSuffix(strings.TrimRight(line, "\r\n"), "  "+name) {
			last = strings.TrimRight(line, "\n")
		} else if line != "" {
			keep = append(keep, line)
		}
	}
	return []byte(strings.Join(keep, "") + last)
}

// withOther adds a line for another archive after b's (the host's
// release has one archive only).
func withOther(b []byte) []byte {
	return append(b, strings.Repeat("0", 64)+"  "+archiveName(testVersion, "windows/arm64")+"\n"...)
}

func crlf(b []byte) []byte {
	return []byte(strings.ReplaceAll(string(b), "\n", "\r\n"))
}

// install.sh reads a checksums file as sha256sum -c does: CRLF line ends
// and a last line without a line break are accepted, and the hash it
// compares is the 64 digits, without the CR (a mismatch is still one).
func TestInstallChecksumsFile(t *testing.T) {
	dir := hostReleaseDir(t)
	target := hostTarget(t)
	bin := binaryOf(t, dir, target)
	archive, sums := archiveName(testVersion, target), sumsName(testVersion)
	hash := sha256File(t, filepath.Join(dir, archive))
	accepted := []struct {
		name string
		edit func([]byte) []byte
	}{
		{"CRLF", func(b []byte) []byte { return crlf(withOther(b)) }},
		{"no line break after the archive's line", func(b []byte) []byte { return lastLine(withOther(b), archive) }},
		{"CRLF, none after the archive's line", func(b []byte) []byte { return lastLine(crlf(withOther(b)), archive) }},
	}
	for _, c := range accepted {
		sha256sumAccepts(t, c.name, dir, archive, c.edit(readFile(t, filepath.Join(dir, sums))))
	}
	for _, e := range installEnvs(t) {
		t.Run(e.name, func(t *testing.T) {
			for _, c := range accepted {
				t.Run(c.name, func(t *testing.T) {
					s := serveRelease(t, dir)
					s.edit(sums, c.edit)
					run := install(t, e, s)
					run.installed(t, run.dir, "oidc-creds", bin)
				})
			}
			t.Run("CRLF, a tampered archive", func(t *testing.T) {
				s := serveRelease(t, dir)
				s.edit(sums, func(b []byte) []byte { return lastLine(crlf(withOther(b)), archive) })
				s.edit(archive, func(b []byte) []byte { b[len(b)/2] ^= 1; return b })
				install(t, e, s).refused(t, "checksum mismatch for "+archive+": "+sums+" says "+hash+", the download is ", nil)
			})
		})
	}
}

// sha256sumAccepts checks that GNU sha256sum -c accepts the checksums file
// sums for the archive, as the test claims (when it is installed).
func sha256sumAccepts(t *testing.T, what, dir, archive string, sums []byte) {
	t.Helper()
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Logf("SKIP sha256sum -c of the file %s: sha256sum is not installed", what)
		return
	}
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "SUMS"), sums, 0o644); err != nil {
		t.Fatal(err)
	}
	link(t, work, archive, filepath.Join(dir, archive))
	cmd := exec.Command("sha256sum", "-c", "--ignore-missing", "--strict", "SUMS")
	cmd.Dir = work
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), archive+": OK") {
		t.Errorf("sha256sum -c of the file %s: %v\n%s", what, err, out)
	}
}
