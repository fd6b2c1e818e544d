package main

// The tests of scripts/release.sh (here), scripts/install.sh
// (install_test.go), action.yml and the workflows (lint_test.go). They run
// release.sh once for all six targets and share its output; with an empty
// build cache that takes about two minutes on 2 cores. -short skips them.

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testVersion = "v0.0.0-releasetest"

var targets = []string{"darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64", "windows/amd64", "windows/arm64"}

// tmpRoot holds what the tests share; TestMain removes it.
var tmpRoot string

func TestMain(m *testing.M) {
	if os.Getenv(laterStepVar) != "" { // action_test.go
		os.Exit(laterStep())
	}
	var err error
	if tmpRoot, err = os.MkdirTemp("", "oidc-creds-release-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmpRoot)
	os.Exit(code)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "release.sh")); err != nil {
		t.Fatal(err)
	}
	return root
}

// skipUnlessReleaseTests skips the tests that build every release archive
// (twice), run install.sh in three shells and build actionlint: minutes,
// not seconds. scripts/test.sh, and so CI, runs them with TEST_RELEASE=1;
// go test ./... stays fast.
func skipUnlessReleaseTests(t *testing.T) {
	t.Helper()
	if os.Getenv("TEST_RELEASE") == "" {
		t.Skip("set TEST_RELEASE=1 to build and check the release archives, install.sh and the workflows (scripts/test.sh does)")
	}
}

// needScripts skips where the shell scripts cannot run.
func needScripts(t *testing.T, tools ...string) {
	t.Helper()
	skipUnlessReleaseTests(t)
	if runtime.GOOS == "windows" {
		t.Skip("the release scripts are bash and POSIX sh scripts")
	}
	for _, tool := range append([]string{"bash", "go"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

func archiveName(version, target string) string {
	goos, goarch, _ := strings.Cut(target, "/")
	ext := ".tar.gz"
	if goos == "windows" {
		ext = ".zip"
	}
	return "oidc-creds_" + version + "_" + goos + "_" + goarch + ext
}

func sumsName(version string) string { return "oidc-creds_" + version + "_SHA256SUMS" }

// release runs scripts/release.sh testVersion dir in root.
func release(root, dir string, env ...string) (time.Duration, error) {
	start := time.Now()
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "release.sh"), testVersion, dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("release.sh %s: %v\n%s", strings.Join(env, " "), err, out)
	}
	return time.Since(start).Round(time.Second), nil
}

func runRelease(t *testing.T, root, dir string, env ...string) {
	t.Helper()
	took, err := release(root, dir, env...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("release.sh %s: %v", strings.Join(env, " "), took)
}

type releaseRun struct {
	dir    string // what release.sh wrote
	commit string // what the binaries say
	epoch  int64  // the commit time: every entry's time
}

var shared struct {
	once   sync.Once
	run    releaseRun
	err    string // why release.sh cannot run here
	failed string // how it failed
}

// sharedRelease runs release.sh for every target once for all the tests.
func sharedRelease(t *testing.T) releaseRun {
	t.Helper()
	needScripts(t, "git")
	root := repoRoot(t)
	shared.once.Do(func() {
		git := func(args ...string) (string, error) {
			cmd := exec.Command("git", args...)
			cmd.Dir = root
			out, err := cmd.Output()
			return strings.TrimSpace(string(out)), err
		}
		commit, err := git("rev-parse", "HEAD")
		if err != nil {
			shared.err = "not a git checkout: " + err.Error()
			return
		}
		if _, err := git("diff", "--quiet", "HEAD", "--"); err != nil {
			commit += "-dirty"
		}
		ct, _ := git("log", "-1", "--format=%ct", "HEAD")
		epoch, err := strconv.ParseInt(ct, 10, 64)
		if err != nil {
			shared.err = "git log: " + err.Error()
			return
		}
		dir := filepath.Join(tmpRoot, "release")
		took, err := release(root, dir)
		if err != nil {
			shared.failed = err.Error()
			return
		}
		t.Logf("release.sh, every target: %v", took)
		shared.run = releaseRun{dir: dir, commit: commit, epoch: epoch}
	})
	if shared.err != "" {
		t.Skip(shared.err)
	}
	if shared.failed != "" {
		t.Fatal(shared.failed)
	}
	return shared.run
}

// readSums parses a checksums file into name → hash, checking its format.
func readSums(t *testing.T, file string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		hash, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
			t.Fatalf("%s: not sha256sum's format: %q", file, sc.Text())
		}
		sums[name] = hash
		names = append(names, name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("%s: not sorted by name", file)
	}
	return sums
}

// Two runs of release.sh on one commit write the same bytes, and so does a
// build with an empty build cache from a copy of the tree at another path.
func TestReleaseReproducible(t *testing.T) {
	r := sharedRelease(t)
	root := repoRoot(t)

	sums := readSums(t, filepath.Join(r.dir, sumsName(testVersion)))
	var want []string
	for _, target := range targets {
		want = append(want, archiveName(testVersion, target))
	}
	var got []string
	for name := range sums {
		got = append(got, name)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("checksums for %q, want %q", got, want)
	}
	for name, hash := range sums {
		if h := sha256File(t, filepath.Join(r.dir, name)); h != hash {
			t.Errorf("%s: SHA-256 %s, the checksums file says %s", name, h, hash)
		}
	}

	again := filepath.Join(tmpRoot, "again")
	runRelease(t, root, again)
	if a, b := readFile(t, filepath.Join(r.dir, sumsName(testVersion))), readFile(t, filepath.Join(again, sumsName(testVersion))); !bytes.Equal(a, b) {
		t.Errorf("a second run wrote other archives:\n%s\nthen\n%s", a, b)
	}

	// A copy elsewhere, without .git: the commit and its time are given.
	// One target only: it compiles everything anew.
	const target = "linux/arm64"
	src := filepath.Join(tmpRoot, "elsewhere", "src")
	copyTree(t, root, src)
	cold := filepath.Join(tmpRoot, "elsewhere", "out")
	runRelease(t, src, cold,
		"GOCACHE="+filepath.Join(tmpRoot, "elsewhere", "gocache"),
		"OIDC_CREDS_COMMIT="+r.commit,
		"SOURCE_DATE_EPOCH="+strconv.FormatInt(r.epoch, 10),
		"OIDC_CREDS_TARGETS="+target)
	name := archiveName(testVersion, target)
	if !bytes.Equal(readFile(t, filepath.Join(r.dir, name)), readFile(t, filepath.Join(cold, name))) {
		t.Errorf("%s built with an empty build cache from %s differs from the one built in %s", name, src, root)
	}
	if err := os.RemoveAll(filepath.Join(tmpRoot, "elsewhere")); err != nil {
		t.Log(err)
	}
}

// copyTree copies the files git knows of (committed or not, but not ignored).
func copyTree(t *testing.T, root, dst string) {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		from, to := filepath.Join(root, name), filepath.Join(dst, name)
		fi, err := os.Lstat(from)
		if os.IsNotExist(err) {
			continue // deleted, not yet committed
		} else if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			link, err := os.Readlink(from)
			if err == nil {
				err = os.Symlink(link, to)
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(to, readFile(t, from), fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func sha256File(t *testing.T, name string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Checksums(&b, []string{name}); err != nil {
		t.Fatal(err)
	}
	hash, _, _ := strings.Cut(b.String(), " ")
	return hash
}

// unpack reads a release archive into name → content ("" for directories)
// and the order of its entries.
func unpack(t *testing.T, name string, data []byte) (map[string][]byte, []string) {
	t.Helper()
	files := map[string][]byte{}
	var order []string
	if strings.HasSuffix(name, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %s: %v", name, f.Name, err)
			}
			files[f.Name], order = body, append(order, f.Name)
		}
		return files, order
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatalf("%s: %s: %v", name, h.Name, err)
		}
		files[h.Name], order = body, append(order, h.Name)
	}
	return files, order
}

// binaryOf is the binary in a release archive.
func binaryOf(t *testing.T, dir, target string) []byte {
	t.Helper()
	name := archiveName(testVersion, target)
	files, _ := unpack(t, name, readFile(t, filepath.Join(dir, name)))
	exe := "oidc-creds"
	if strings.HasPrefix(target, "windows/") {
		exe += ".exe"
	}
	bin, ok := files[strings.TrimSuffix(strings.TrimSuffix(name, ".zip"), ".tar.gz")+"/"+exe]
	if !ok {
		t.Fatalf("%s holds no %s", name, exe)
	}
	return bin
}

// Every archive holds the binary for its platform, built as release.sh
// promises, with LICENSE, README.md and the notices; the one for this
// machine runs and prints its version.
func TestReleaseArchives(t *testing.T) {
	r := sharedRelease(t)
	root := repoRoot(t)
	license, readme := readFile(t, filepath.Join(root, "LICENSE")), readFile(t, filepath.Join(root, "README.md"))
	goroot, err := goEnv("GOROOT")
	if err != nil {
		t.Fatal(err)
	}
	modcache, err := goEnv("GOMODCACHE")
	if err != nil {
		t.Fatal(err)
	}
	goLicense := readFile(t, filepath.Join(goroot, "LICENSE"))
	for _, target := range targets {
		t.Run(strings.ReplaceAll(target, "/", "_"), func(t *testing.T) {
			goos, goarch, _ := strings.Cut(target, "/")
			name := archiveName(testVersion, target)
			top := strings.TrimSuffix(strings.TrimSuffix(name, ".zip"), ".tar.gz") + "/"
			exe := "oidc-creds"
			if goos == "windows" {
				exe += ".exe"
			}
			files, order := unpack(t, name, readFile(t, filepath.Join(r.dir, name)))
			want := []string{top, top + "LICENSE", top + "README.md", top + "THIRD_PARTY_NOTICES", top + exe}
			if !slices.Equal(order, want) {
				t.Fatalf("entries %q, want %q", order, want)
			}
			if !bytes.Equal(files[top+"LICENSE"], license) || !bytes.Equal(files[top+"README.md"], readme) {
				t.Error("LICENSE or README.md is not the repository's")
			}
			notices := string(files[top+"THIRD_PARTY_NOTICES"])
			for _, s := range []string{
				"github.com/aws/aws-sdk-go-v2 v", "github.com/aws/aws-sdk-go-v2/service/sts v", "github.com/aws/smithy-go v",
				"github.com/alecthomas/kong v", "golang.org/x/sys v", "the Go runtime and standard library, " + runtime.Version(),
				"AWS SDK for Go\nCopyright 2015 Amazon.com", // aws-sdk-go-v2's NOTICE.txt
				"Apache License\n", "Permission is hereby granted", string(goLicense),
			} {
				if !strings.Contains(notices, s) {
					t.Errorf("THIRD_PARTY_NOTICES lacks %q", s)
				}
			}

			bin := files[top+exe]
			path := filepath.Join(t.TempDir(), exe)
			if err := os.WriteFile(path, bin, 0o755); err != nil {
				t.Fatal(err)
			}
			checkMachine(t, path, goos, goarch)
			checkBuildInfo(t, path, goos, goarch)
			for _, s := range []string{testVersion, r.commit} {
				if !bytes.Contains(bin, []byte(s)) {
					t.Errorf("the binary does not hold %q (-X)", s)
				}
			}
			for _, leak := range []string{root, tmpRoot, goroot, modcache} {
				if bytes.Contains(bin, []byte(leak)) {
					t.Errorf("the binary holds the path %s (-trimpath?)", leak)
				}
			}
			if goos != runtime.GOOS || goarch != runtime.GOARCH {
				return
			}
			out, err := exec.Command(path, "version").Output()
			if err != nil {
				t.Fatal(err)
			}
			wantOut := fmt.Sprintf("oidc-creds %s (%s, %s)\ncommit %s\n", testVersion, runtime.Version(), target, r.commit)
			if string(out) != wantOut {
				t.Errorf("version printed %q, want %q", out, wantOut)
			}
		})
	}
}

func checkMachine(t *testing.T, path, goos, goarch string) {
	t.Helper()
	var got string
	switch goos {
	case "linux":
		f, err := elf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		got = map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[f.Machine]
	case "darwin":
		f, err := macho.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		got = map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
	case "windows":
		f, err := pe.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		got = map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
	}
	if got != goarch {
		t.Errorf("a %s binary for %q, want %s", goos, got, goarch)
	}
}

func checkBuildInfo(t *testing.T, path, goos, goarch string) {
	t.Helper()
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	// With -trimpath, go build does not record -ldflags.
	for k, v := range map[string]string{"-trimpath": "true", "CGO_ENABLED": "0", "GOOS": goos, "GOARCH": goarch} {
		if settings[k] != v {
			t.Errorf("build setting %s=%q, want %q", k, settings[k], v)
		}
	}
	for k := range settings {
		if strings.HasPrefix(k, "vcs") {
			t.Errorf("build setting %s: the build stamped VCS state", k)
		}
	}
	if bi.GoVersion != runtime.Version() {
		t.Errorf("built with %s, the tests with %s", bi.GoVersion, runtime.Version())
	}
}
