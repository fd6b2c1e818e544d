package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Module is a module linked into the binary.
type Module struct{ Path, Version, Dir string }

// LinkedModules lists the modules, other than the main module, of the
// packages pkg depends on, for GOOS and GOARCH of the environment, sorted by
// path.
func LinkedModules(pkg string) ([]Module, error) {
	cmd := exec.Command("go", "list", "-mod=readonly", "-deps", "-f",
		`{{with .Module}}{{if not .Main}}{{.Path}}{{"\t"}}{{.Version}}{{"\t"}}{{.Dir}}{{end}}{{end}}`, pkg)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps %s: %w", pkg, err)
	}
	seen := map[string]bool{}
	var mods []Module
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || seen[f[0]] {
			continue
		}
		seen[f[0]] = true
		if f[2] == "" {
			return nil, fmt.Errorf("go list gave no directory for module %s %s (not downloaded?)", f[0], f[1])
		}
		mods = append(mods, Module{Path: f[0], Version: f[1], Dir: f[2]})
	}
	slices.SortFunc(mods, func(a, b Module) int { return strings.Compare(a.Path, b.Path) })
	return mods, nil
}

func goEnv(name string) (string, error) {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// licenseFiles lists the license and notice files at the root of dir.
func licenseFiles(dir string) ([]string, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, de := range des {
		n := strings.ToUpper(de.Name())
		if !de.Type().IsRegular() {
			continue
		}
		for _, p := range []string{"LICENSE", "LICENCE", "COPYING", "NOTICE"} {
			if strings.HasPrefix(n, p) {
				names = append(names, de.Name())
				break
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// noticeTexts are the distinct license and notice texts, in the order
// first seen, each with the files that hold it ("MODULE VERSION: FILE").
type noticeTexts []*noticeText

type noticeText struct {
	body  []byte
	heads []string
}

func (ts *noticeTexts) add(head string, body []byte) {
	for _, t := range *ts {
		if bytes.Equal(t.body, body) {
			t.heads = append(t.heads, head)
			return
		}
	}
	*ts = append(*ts, &noticeText{body: body, heads: []string{head}})
}

// Notices writes the notices file: the list of what is linked in, then each
// distinct license or notice text once, headed by the files that hold it.
func Notices(w io.Writer, goroot string, mods []Module) error {
	goVersion := runtime.Version()
	if v, err := os.ReadFile(filepath.Join(goroot, "VERSION")); err == nil {
		goVersion, _, _ = strings.Cut(string(v), "\n")
	}
	goLicense, err := os.ReadFile(filepath.Join(goroot, "LICENSE"))
	if err != nil {
		return fmt.Errorf("the Go distribution's license: %w", err)
	}
	var texts noticeTexts
	texts.add("the Go runtime and standard library, "+goVersion+": LICENSE", goLicense)
	list := []string{"the Go runtime and standard library, " + goVersion}
	for _, m := range mods {
		names, err := licenseFiles(m.Dir)
		if err != nil {
			return fmt.Errorf("module %s: %w", m.Path, err)
		}
		if len(names) == 0 {
			return fmt.Errorf("module %s %s has no LICENSE, COPYING or NOTICE file in %s: find its license terms and ship them before releasing", m.Path, m.Version, m.Dir)
		}
		list = append(list, m.Path+" "+m.Version)
		for _, n := range names {
			body, err := os.ReadFile(filepath.Join(m.Dir, n))
			if err != nil {
				return err
			}
			texts.add(m.Path+" "+m.Version+": "+n, body)
		}
	}
	return writeNotices(w, list, texts)
}

func writeNotices(w io.Writer, list []string, texts noticeTexts) error {
	var b bytes.Buffer
	b.WriteString("Third-party notices for oidc-creds\n\n")
	b.WriteString("This binary of oidc-creds (Apache License 2.0, see LICENSE) links in the\n")
	b.WriteString("software below. Its license and notice files follow; a text that several\n")
	b.WriteString("files hold is printed once, under the names of all of them.\n\n")
	for _, l := range list {
		b.WriteString("  " + l + "\n")
	}
	rule := strings.Repeat("=", 78) + "\n"
	for _, t := range texts {
		b.WriteString("\n" + rule)
		for _, h := range t.heads {
			b.WriteString(h + "\n")
		}
		b.WriteString(rule + "\n")
		b.Write(t.body)
		if !bytes.HasSuffix(t.body, []byte("\n")) {
			b.WriteString("\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
