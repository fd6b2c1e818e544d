// Command release writes the deterministic parts of a release for
// scripts/release.sh: the archives, the checksums file and the notices of
// the modules linked into the binary. It uses archive/tar, archive/zip and
// compress/gzip rather than the tar and zip of the machine, so that two runs
// on any machine with the same Go write the same bytes.
//
//	release archive -mtime UNIX -o OUT.tar.gz|OUT.zip DIR
//	release checksums -o FILE ARCHIVE...
//	release notices [-o FILE] [PACKAGE]
//
// archive stores DIR as the archive's only top-level directory, its entries
// sorted by name, each with the modification time -mtime (the commit time),
// owner and group 0 and no names, mode 0755 for directories and files with
// an executable bit, 0644 for others; gzip without name or time; zip without
// extra fields.
//
// checksums writes "SHA256  NAME" lines, the format of sha256sum and of
// sha256sum --check, sorted by name, for the base names of the files.
//
// notices runs go list -deps on PACKAGE (default ".") for GOOS and GOARCH of
// the environment and writes the license and notice files (LICENSE*,
// LICENCE*, COPYING*, NOTICE*) at the root of every module linked in, and
// the Go distribution's LICENSE (the runtime and standard library are linked
// into every binary), each distinct text once. A module without any such
// file is an error: the release must not go out without its notices.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/atomicfile"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: release archive|checksums|notices ...")
	}
	flags := flag.NewFlagSet(args[0], flag.ContinueOnError)
	out := flags.String("o", "", "output file")
	switch args[0] {
	case "archive":
		mtime := flags.Int64("mtime", -1, "modification time of every entry, seconds since 1970 (the commit time)")
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		if flags.NArg() != 1 || *out == "" || *mtime < 0 {
			return errors.New("usage: release archive -mtime UNIX -o OUT.tar.gz|OUT.zip DIR")
		}
		return writeFile(*out, func(w io.Writer) error {
			return Archive(w, *out, flags.Arg(0), time.Unix(*mtime, 0).UTC())
		})
	case "checksums":
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		if flags.NArg() == 0 || *out == "" {
			return errors.New("usage: release checksums -o FILE ARCHIVE...")
		}
		return writeFile(*out, func(w io.Writer) error { return Checksums(w, flags.Args()) })
	case "notices":
		if err := flags.Parse(args[1:]); err != nil {
			return err
		}
		pkg := "."
		if flags.NArg() == 1 {
			pkg = flags.Arg(0)
		} else if flags.NArg() > 1 {
			return errors.New("usage: release notices [-o FILE] [PACKAGE]")
		}
		mods, err := LinkedModules(pkg)
		if err != nil {
			return err
		}
		goroot, err := goEnv("GOROOT")
		if err != nil {
			return err
		}
		if *out == "" {
			return Notices(stdout, goroot, mods)
		}
		return writeFile(*out, func(w io.Writer) error { return Notices(w, goroot, mods) })
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// writeFile writes name with what write produces, all at once
// (atomicfile, the program's one atomic writer): a failure leaves no
// partial file under that name.
func writeFile(name string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return atomicfile.Write(name, b.Bytes(), 0o644)
}

// Checksums writes the SHA-256 of each file in sha256sum's format, sorted by
// base name.
func Checksums(w io.Writer, files []string) error {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b string) int { return strings.Compare(filepath.Base(a), filepath.Base(b)) })
	var b bytes.Buffer
	for i, f := range files {
		name := filepath.Base(f)
		if i > 0 && name == filepath.Base(files[i-1]) {
			return fmt.Errorf("%s: two files of that name", name)
		}
		if strings.ContainsAny(name, "\\\n\r") {
			return fmt.Errorf("%q: a name sha256sum would escape", name)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), name)
	}
	_, err := w.Write(b.Bytes())
	return err
}
