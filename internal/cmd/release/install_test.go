package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// releaseServer serves a release directory on loopback in GitHub's layout:
// /releases/download/VERSION/FILE, and /releases/latest redirecting to
// /releases/tag/VERSION.
type releaseServer struct {
	*httptest.Server
	mu       sync.Mutex
	files    map[string][]byte // by VERSION/FILE
	truncate map[string]bool   // send half, with the whole length in Content-Length
	latest   string
}

func serveRelease(t *testing.T, dir string) *releaseServer {
	t.Helper()
	s := newReleaseServer(t, dir)
	s.Start()
	return s
}

// newReleaseServer is serveRelease's server, not started (Start or
// StartTLS it); it is closed when the test ends.
func newReleaseServer(t *testing.T, dir string) *releaseServer {
	t.Helper()
	s := &releaseServer{files: map[string][]byte{}, truncate: map[string]bool{}, latest: testVersion}
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		s.files[testVersion+"/"+de.Name()] = readFile(t, filepath.Join(dir, de.Name()))
	}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *releaseServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch p := r.URL.Path; {
	case p == "/releases/latest":
		http.Redirect(w, r, s.URL+"/releases/tag/"+s.latest, http.StatusFound)
	case strings.HasPrefix(p, "/releases/tag/"):
		w.Write([]byte("<html>a release page</html>\n"))
	case strings.HasPrefix(p, "/releases/download/"):
		key := strings.TrimPrefix(p, "/releases/download/")
		body, ok := s.files[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if s.truncate[key] {
			// The server closes the connection when the handler wrote
			// less than it declared.
			w.Write(body[:len(body)/2])
			return
		}
		w.Write(body)
	default:
		http.NotFound(w, r)
	}
}

// do runs f with the server's state locked: the handler runs in other
// goroutines.
func (s *releaseServer) do(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

func (s *releaseServer) edit(file string, f func([]byte) []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := testVersion + "/" + file
	if body := f(bytes.Clone(s.files[key])); body != nil {
		s.files[key] = body
	} else {
		delete(s.files, key)
	}
}

// installTools are the commands install.sh runs on Linux, besides curl or
// wget: the PATH of each run holds these and nothing else.
var installTools = []string{"uname", "id", "mktemp", "rm", "mkdir", "cp", "chmod", "mv", "tar", "gzip", "sha256sum", "tr", "sed", "tail", "grep"}

// shellEnv is a shell and a PATH directory of symlinks to the tools.
type shellEnv struct {
	name, shell, bin string
}

func link(t *testing.T, dir, name, target string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

// hostEnv: the shell and the tools of this machine, and one downloader.
func hostEnv(t *testing.T, shell, downloader string) (shellEnv, string) {
	t.Helper()
	sh, err := exec.LookPath(shell)
	if err != nil {
		return shellEnv{}, shell + " is not installed"
	}
	bin := t.TempDir()
	for _, tool := range append(installTools, downloader) {
		p, err := exec.LookPath(tool)
		if err != nil {
			return shellEnv{}, tool + " is not installed"
		}
		link(t, bin, tool, p)
	}
	return shellEnv{name: shell + "+" + downloader, shell: sh, bin: bin}, ""
}

// busyboxEnv: BusyBox's sh, wget and tools only, as on Alpine.
func busyboxEnv(t *testing.T) (shellEnv, string) {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil {
		return shellEnv{}, "busybox is not installed"
	}
	out, err := exec.Command(bb, "--list").Output()
	if err != nil {
		return shellEnv{}, "busybox --list: " + err.Error()
	}
	applets := map[string]bool{}
	for _, a := range strings.Fields(string(out)) {
		applets[a] = true
	}
	bin := t.TempDir()
	for _, tool := range append(installTools, "sh", "wget", "unzip") {
		if !applets[tool] {
			return shellEnv{}, "busybox has no " + tool
		}
		link(t, bin, tool, bb)
	}
	return shellEnv{name: "busybox", shell: filepath.Join(bin, "sh"), bin: bin}, ""
}

type installRun struct {
	dir, home, tmp string // the install directory (not created), HOME, TMPDIR
	stderr         string
	err            error
}

// install runs install.sh in e with OIDC_CREDS_BASE_URL pointing at s and
// env added.
func install(t *testing.T, e shellEnv, s *releaseServer, env ...string) installRun {
	t.Helper()
	work := t.TempDir()
	r := installRun{dir: filepath.Join(work, "bin"), home: filepath.Join(work, "home"), tmp: filepath.Join(work, "tmp")}
	for _, d := range []string{r.home, r.tmp} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.shell, filepath.Join(repoRoot(t), "scripts", "install.sh"))
	cmd.Env = append([]string{
		"PATH=" + e.bin, "HOME=" + r.home, "TMPDIR=" + r.tmp,
		"OIDC_CREDS_BASE_URL=" + s.URL + "/releases/download",
		"OIDC_CREDS_VERSION=" + testVersion,
		"OIDC_CREDS_INSTALL_DIR=" + r.dir,
	}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	r.err = cmd.Run()
	r.stderr = stderr.String()
	if des, _ := os.ReadDir(r.tmp); len(des) != 0 {
		t.Errorf("install.sh left %s in TMPDIR", des[0].Name())
	}
	return r
}

// installed checks that r succeeded and installed exactly want as dir/exe.
func (r installRun) installed(t *testing.T, dir, exe string, want []byte) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("install.sh: %v\n%s", r.err, r.stderr)
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(des) != 1 || des[0].Name() != exe {
		var names []string
		for _, de := range des {
			names = append(names, de.Name())
		}
		t.Fatalf("%s holds %q, want only %s", dir, names, exe)
	}
	fi, err := os.Stat(filepath.Join(dir, exe))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v, want 0755", fi.Mode())
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, exe)), want) {
		t.Errorf("%s is not the binary of the release archive", exe)
	}
}

// refused checks that r failed with a message holding want and left dir
// as it was: absent, or holding only old as oidc-creds.
func (r installRun) refused(t *testing.T, want string, old []byte) {
	t.Helper()
	if r.err == nil {
		t.Fatalf("install.sh succeeded, want a refusal: %s\n%s", want, r.stderr)
	}
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "nothing was installed") {
		t.Errorf("stderr does not say %q and that nothing was installed:\n%s", want, r.stderr)
	}
	des, err := os.ReadDir(r.dir)
	switch {
	case old == nil && !os.IsNotExist(err):
		t.Errorf("install.sh created %s (err %v)", r.dir, err)
	case old != nil && (len(des) != 1 || !bytes.Equal(readFile(t, filepath.Join(r.dir, "oidc-creds")), old)):
		t.Errorf("install.sh changed %s", r.dir)
	}
}

func hostTarget(t *testing.T) string {
	t.Helper()
	target := runtime.GOOS + "/" + runtime.GOARCH
	for _, tg := range targets {
		if tg == target {
			return target
		}
	}
	t.Skipf("no release for %s", target)
	return ""
}

// installEnvs are the environments install.sh is tested in: dash with
// curl, dash with GNU wget, BusyBox alone (those installed here).
func installEnvs(t *testing.T) []shellEnv {
	t.Helper()
	var envs []shellEnv
	for _, mk := range []func() (shellEnv, string){
		func() (shellEnv, string) { return hostEnv(t, "dash", "curl") },
		func() (shellEnv, string) { return hostEnv(t, "dash", "wget") },
		func() (shellEnv, string) { return busyboxEnv(t) },
	} {
		e, why := mk()
		if why != "" {
			t.Logf("SKIP an environment: %s", why)
			continue
		}
		envs = append(envs, e)
	}
	if len(envs) == 0 {
		t.Skip("no shell environment to run install.sh in")
	}
	return envs
}

// install.sh installs the release, the latest one, and over an older
// binary; it refuses a tampered archive, a missing checksum, a missing
// checksums file and downloads cut short, under dash with curl and with GNU
// wget, and under BusyBox (sh, wget, tar) alone.
func TestInstall(t *testing.T) {
	r := sharedRelease(t)
	target := hostTarget(t)
	bin := binaryOf(t, r.dir, target)
	archive := archiveName(testVersion, target)
	sums := sumsName(testVersion)
	old := []byte("#!/bin/sh\necho old\n")

	envs := installEnvs(t)

	for _, e := range envs {
		t.Run(e.name, func(t *testing.T) {
			t.Run("installs", func(t *testing.T) {
				run := install(t, e, serveRelease(t, r.dir))
				run.installed(t, run.dir, "oidc-creds", bin)
				out, err := exec.Command(filepath.Join(run.dir, "oidc-creds"), "version").Output()
				if err != nil || !strings.HasPrefix(string(out), "oidc-creds "+testVersion+" ") {
					t.Errorf("the installed binary's version: %q, %v", out, err)
				}
			})
			t.Run("the latest release", func(t *testing.T) {
				run := install(t, e, serveRelease(t, r.dir), "OIDC_CREDS_VERSION=")
				run.installed(t, run.dir, "oidc-creds", bin)
				if !strings.Contains(run.stderr, "/releases/latest") {
					t.Errorf("stderr does not say where the latest release was looked up:\n%s", run.stderr)
				}
			})
			t.Run("over an older binary", func(t *testing.T) {
				s := serveRelease(t, r.dir)
				pre := install(t, e, s)
				pre.installed(t, pre.dir, "oidc-creds", bin)
				if err := os.WriteFile(filepath.Join(pre.dir, "oidc-creds"), old, 0o755); err != nil {
					t.Fatal(err)
				}
				run := install(t, e, s, "OIDC_CREDS_INSTALL_DIR="+pre.dir)
				run.installed(t, pre.dir, "oidc-creds", bin)
			})
			refusals := []struct {
				name, want string
				edit       func(s *releaseServer)
				env        []string
			}{
				{"a tampered archive", "checksum mismatch for " + archive, func(s *releaseServer) {
					s.edit(archive, func(b []byte) []byte { b[len(b)/2] ^= 1; return b })
				}, nil},
				{"a missing checksum", sums + " has no checksum for " + archive, func(s *releaseServer) {
					s.edit(sums, func(b []byte) []byte {
						var keep []string
						for _, line := range strings.SplitAfter(string(b), "\n") {
							if !strings.HasSuffix(line, "  "+archive+"\n") {
								keep = append(keep, line)
							}
						}
						return []byte(strings.Join(keep, ""))
					})
				}, nil},
				{"a malformed checksum", "malformed checksum", func(s *releaseServer) {
					s.edit(sums, func(b []byte) []byte {
						return []byte(strings.Replace(string(b), "  "+archive, "0  "+archive, 1))
					})
				}, nil},
				{"no checksums file", "could not download", func(s *releaseServer) {
					s.edit(sums, func([]byte) []byte { return nil })
				}, nil},
				{"no archive", "could not download", func(s *releaseServer) {
					s.edit(archive, func([]byte) []byte { return nil })
				}, nil},
				{"an archive cut short", "cut short", func(s *releaseServer) {
					s.do(func() { s.truncate[testVersion+"/"+archive] = true })
				}, nil},
				{"a checksums file cut short", "cut short", func(s *releaseServer) {
					s.do(func() { s.truncate[testVersion+"/"+sums] = true })
				}, nil},
				{"no such release", "could not download", func(*releaseServer) {}, []string{"OIDC_CREDS_VERSION=v9.9.9"}},
				{"a version that is not a tag", "is not a release tag", func(*releaseServer) {}, []string{"OIDC_CREDS_VERSION=v1.2.3/../x"}},
				{"a latest release that is not a tag", "could not find the latest release", func(s *releaseServer) {
					s.do(func() { s.latest = "$(reboot)" })
				}, []string{"OIDC_CREDS_VERSION="}},
			}
			for _, c := range refusals {
				t.Run(c.name, func(t *testing.T) {
					s := serveRelease(t, r.dir)
					c.edit(s)
					run := install(t, e, s, c.env...)
					run.refused(t, c.want, nil)
					// Again over an installed binary: it stays.
					if err := os.MkdirAll(run.dir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(run.dir, "oidc-creds"), old, 0o755); err != nil {
						t.Fatal(err)
					}
					again := install(t, e, s, append([]string{"OIDC_CREDS_INSTALL_DIR=" + run.dir}, c.env...)...)
					again.dir = run.dir
					again.refused(t, c.want, old)
				})
			}
		})
	}

	// The platform detection and the default directory, with stand-ins
	// for uname and id.
	e := envs[0]
	standIn := func(t *testing.T, name, script string) shellEnv {
		t.Helper()
		bin := t.TempDir()
		des, err := os.ReadDir(e.bin)
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range des {
			if de.Name() != name {
				target, err := os.Readlink(filepath.Join(e.bin, de.Name()))
				if err != nil {
					t.Fatal(err)
				}
				link(t, bin, de.Name(), target)
			}
		}
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!"+e.shell+"\n"+script), 0o755); err != nil {
			t.Fatal(err)
		}
		return shellEnv{name: e.name, shell: e.shell, bin: bin}
	}
	t.Run("not root: ~/.local/bin", func(t *testing.T) {
		run := install(t, standIn(t, "id", "echo 1000\n"), serveRelease(t, r.dir), "OIDC_CREDS_INSTALL_DIR=")
		run.installed(t, filepath.Join(run.home, ".local", "bin"), "oidc-creds", bin)
		if !strings.Contains(run.stderr, "is not on PATH") {
			t.Errorf("no note that ~/.local/bin is not on PATH:\n%s", run.stderr)
		}
	})
	unzip, _ := exec.LookPath("unzip")
	if bb, err := exec.LookPath("busybox"); unzip == "" && err == nil {
		unzip = bb
	}
	for _, p := range []struct{ os, arch, target string }{
		{"Linux", "x86_64", "linux/amd64"},
		{"Linux", "aarch64", "linux/arm64"},
		{"Darwin", "x86_64", "darwin/amd64"},
		{"Darwin", "arm64", "darwin/arm64"},
		{"MINGW64_NT-10.0-26100", "x86_64", "windows/amd64"},
		{"MSYS_NT-10.0-26100", "aarch64", "windows/arm64"},
		{"FreeBSD", "amd64", ""},
		{"Linux", "i686", ""},
	} {
		t.Run(p.os+"_"+p.arch, func(t *testing.T) {
			env := standIn(t, "uname", "case $1 in -s) echo "+p.os+" ;; -m) echo "+p.arch+" ;; *) exit 1 ;; esac\n")
			if strings.HasPrefix(p.target, "windows/") {
				if unzip == "" {
					t.Skip("unzip is not installed")
				}
				link(t, env.bin, "unzip", unzip)
			}
			run := install(t, env, serveRelease(t, r.dir))
			if p.target == "" {
				run.refused(t, "no release for the", nil)
				return
			}
			exe := "oidc-creds"
			if strings.HasPrefix(p.target, "windows/") {
				exe += ".exe"
			}
			run.installed(t, run.dir, exe, binaryOf(t, r.dir, p.target))
		})
	}
}
