package main

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// entry is one file or directory of an archive.
type entry struct {
	name string // slash-separated, directories end in "/"
	mode fs.FileMode
	src  string // the file to copy; "" for directories
}

// entries lists dir as the archive's top-level directory, sorted by name.
func entries(dir string) ([]entry, error) {
	dir = filepath.Clean(dir)
	top := filepath.Base(dir)
	var es []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := path.Join(top, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			es = append(es, entry{name: name + "/", mode: fs.ModeDir | 0o755})
		case info.Mode().IsRegular():
			mode := fs.FileMode(0o644)
			if info.Mode()&0o111 != 0 {
				mode = 0o755
			}
			es = append(es, entry{name: name, mode: mode, src: p})
		default:
			return fmt.Errorf("%s: not a regular file or directory", p)
		}
		return nil
	})
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return es, err
}

// Archive writes dir as a .tar.gz or .zip (chosen by the suffix of name)
// whose every entry has the modification time mtime.
func Archive(w io.Writer, name, dir string, mtime time.Time) error {
	es, err := entries(dir)
	if err != nil {
		return err
	}
	switch {
	case strings.HasSuffix(name, ".tar.gz"):
		return writeTarGz(w, es, mtime)
	case strings.HasSuffix(name, ".zip"):
		return writeZip(w, es, mtime)
	}
	return fmt.Errorf("%s: the archive's name must end in .tar.gz or .zip", name)
}

func writeTarGz(w io.Writer, es []entry, mtime time.Time) error {
	// A zero Header: no file name, modification time 0, OS "unknown".
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, e := range es {
		h := &tar.Header{
			Name:    e.name,
			Mode:    int64(e.mode.Perm()),
			ModTime: mtime,
			Format:  tar.FormatUSTAR,
		}
		var data []byte
		if e.src == "" {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			if data, err = os.ReadFile(e.src); err != nil {
				return err
			}
			h.Size = int64(len(data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, es []entry, mtime time.Time) error {
	if mtime.Year() < 1980 {
		return fmt.Errorf("zip cannot store times before 1980: %v", mtime)
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	// The MS-DOS date and time, set directly: Modified would add an
	// extended-timestamp extra field.
	date := uint16(mtime.Day() + int(mtime.Month())<<5 + (mtime.Year()-1980)<<9)
	tod := uint16(mtime.Second()/2 + mtime.Minute()<<5 + mtime.Hour()<<11)
	for _, e := range es {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		h.ModifiedDate, h.ModifiedTime = date, tod //nolint:staticcheck // see above
		h.SetMode(e.mode)
		var data []byte
		if e.src == "" {
			h.Method = zip.Store
		} else {
			var err error
			if data, err = os.ReadFile(e.src); err != nil {
				return err
			}
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}
