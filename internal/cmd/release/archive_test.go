package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tree writes a release directory: a binary, two text files, and returns it.
func tree(t *testing.T, mtime time.Time, binMode os.FileMode) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "oidc-creds_v1.2.3_linux_amd64")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{"oidc-creds": binMode, "README.md": 0o600, "LICENSE": 0o664} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat(name+"\n", 100)), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func archive(t *testing.T, name, dir string, mtime time.Time) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Archive(&b, name, dir, mtime); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var commitTime = time.Date(2026, 11, 30, 12, 34, 56, 0, time.UTC)

// Files that differ only in what a checkout or a build leaves varying (their
// times, their modes beyond the executable bit, the directory they are in)
// give the same archive.
func TestArchiveDeterministic(t *testing.T) {
	for _, name := range []string{"x.tar.gz", "x.zip"} {
		a := archive(t, name, tree(t, time.Now(), 0o755), commitTime)
		b := archive(t, name, tree(t, time.Unix(1e9, 0), 0o700), commitTime)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two archives of the same files differ", name)
		}
		if c := archive(t, name, tree(t, time.Now(), 0o755), commitTime.Add(time.Hour)); bytes.Equal(a, c) {
			t.Errorf("%s: -mtime is not stored", name)
		}
	}
}

func TestTarGz(t *testing.T) {
	data := archive(t, "x.tar.gz", tree(t, time.Now(), 0o700), commitTime)
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() || gz.Comment != "" || gz.Extra != nil {
		t.Errorf("gzip header holds a name, time, comment or extra field: %+v", gz.Header)
	}
	tr := tar.NewReader(gz)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, h.Name)
		if !h.ModTime.Equal(commitTime) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || h.Format != tar.FormatUSTAR {
			t.Errorf("%s: time %v, owner %d/%d %q/%q, format %v", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname, h.Format)
		}
		want := int64(0o644)
		if h.Typeflag == tar.TypeDir || strings.HasSuffix(h.Name, "/oidc-creds") {
			want = 0o755
		}
		if h.Mode != want {
			t.Errorf("%s: mode %o, want %o", h.Name, h.Mode, want)
		}
	}
	want := "oidc-creds_v1.2.3_linux_amd64/ oidc-creds_v1.2.3_linux_amd64/LICENSE oidc-creds_v1.2.3_linux_amd64/README.md oidc-creds_v1.2.3_linux_amd64/oidc-creds"
	if strings.Join(got, " ") != want {
		t.Errorf("entries %q, want %q", got, want)
	}
}

func TestZip(t *testing.T) {
	data := archive(t, "x.zip", tree(t, time.Now(), 0o700), commitTime)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
		// MS-DOS times have a resolution of 2 seconds; commitTime's is even.
		if !f.Modified.Equal(commitTime) {
			t.Errorf("%s: time %v, want %v", f.Name, f.Modified, commitTime)
		}
		if len(f.Extra) != 0 || f.Comment != "" {
			t.Errorf("%s: extra field %x, comment %q", f.Name, f.Extra, f.Comment)
		}
		want := os.FileMode(0o644)
		if strings.HasSuffix(f.Name, "/") {
			want = os.ModeDir | 0o755
		} else if strings.HasSuffix(f.Name, "/oidc-creds") {
			want = 0o755
		}
		if f.Mode() != want {
			t.Errorf("%s: mode %v, want %v", f.Name, f.Mode(), want)
		}
	}
	if zr.Comment != "" {
		t.Errorf("archive comment %q", zr.Comment)
	}
	want := "oidc-creds_v1.2.3_linux_amd64/ oidc-creds_v1.2.3_linux_amd64/LICENSE oidc-creds_v1.2.3_linux_amd64/README.md oidc-creds_v1.2.3_linux_amd64/oidc-creds"
	if strings.Join(got, " ") != want {
		t.Errorf("entries %q, want %q", got, want)
	}
}

func TestArchiveRefuses(t *testing.T) {
	dir := tree(t, time.Now(), 0o755)
	if err := Archive(io.Discard, "x.tar.bz2", dir, commitTime); err == nil {
		t.Error("an archive that is neither .tar.gz nor .zip was written")
	}
	if err := Archive(io.Discard, "x.zip", dir, time.Unix(0, 0)); err == nil {
		t.Error("a zip with a time before 1980 was written")
	}
	if err := os.Symlink("oidc-creds", filepath.Join(dir, "link")); err != nil {
		t.Skip(err)
	}
	if err := Archive(io.Discard, "x.tar.gz", dir, commitTime); err == nil {
		t.Error("a symlink was archived")
	}
}

func TestChecksums(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"b.zip": "b", "a.tar.gz": "a"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := Checksums(&b, []string{filepath.Join(dir, "b.zip"), filepath.Join(dir, "a.tar.gz")}); err != nil {
		t.Fatal(err)
	}
	// sha256sum's format and order: printf a | sha256sum.
	want := "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  a.tar.gz\n" +
		"3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.zip\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestNotices(t *testing.T) {
	goroot := t.TempDir()
	mods := []Module{
		{Path: "example.com/apache", Version: "v1.0.0", Dir: t.TempDir()},
		{Path: "example.com/apache/sub", Version: "v1.1.0", Dir: t.TempDir()},
		{Path: "example.com/mit", Version: "v2.0.0", Dir: t.TempDir()},
	}
	write := func(dir, name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(goroot, "LICENSE", "Go's BSD license\n")
	write(goroot, "VERSION", "go1.99.1\ntime 2026-01-01\n")
	write(mods[0].Dir, "LICENSE.txt", "Apache License 2.0\n")
	write(mods[0].Dir, "NOTICE.txt", "Apache notice\n")
	write(mods[0].Dir, "README.md", "not a license\n")
	write(mods[1].Dir, "LICENSE.txt", "Apache License 2.0\n")
	write(mods[2].Dir, "COPYING", "MIT license, no final newline")
	var b bytes.Buffer
	if err := Notices(&b, goroot, mods); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, s := range []string{
		"  the Go runtime and standard library, go1.99.1\n  example.com/apache v1.0.0\n  example.com/apache/sub v1.1.0\n  example.com/mit v2.0.0\n",
		"the Go runtime and standard library, go1.99.1: LICENSE\n",
		"example.com/apache v1.0.0: LICENSE.txt\nexample.com/apache/sub v1.1.0: LICENSE.txt\n",
		"Apache notice\n", "Go's BSD license\n", "MIT license, no final newline\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("notices lack %q:\n%s", s, out)
		}
	}
	if n := strings.Count(out, "Apache License 2.0\n"); n != 1 {
		t.Errorf("the shared license text appears %d times, want once", n)
	}
	if strings.Contains(out, "not a license") {
		t.Error("a README was taken for a license")
	}

	mods = append(mods, Module{Path: "example.com/unlicensed", Version: "v0.1.0", Dir: t.TempDir()})
	if err := Notices(io.Discard, goroot, mods); err == nil || !strings.Contains(err.Error(), "example.com/unlicensed") {
		t.Errorf("a module without a license file: err = %v, want one naming it", err)
	}
}
