package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// userProfiles is an AWS config file of the runner's user.
const userProfiles = "# the runner user's\n[default]\nregion = eu-north-1\n\n[profile other]\nrole_arn = arn:aws:iam::123456789012:role/other\nsource_profile = default\n"

// configState is an AWS config file and what its directory holds.
type configState struct {
	path    string
	data    []byte // nil: no file
	entries []string
}

func configStateOf(t *testing.T, path string) configState {
	t.Helper()
	s := configState{path: path}
	data, err := os.ReadFile(path)
	if err == nil {
		s.data = data
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}
	des, _ := os.ReadDir(filepath.Dir(path))
	for _, de := range des {
		s.entries = append(s.entries, de.Name())
	}
	return s
}

// unchanged fails unless the file and its directory are as before.
func (s configState) unchanged(t *testing.T) {
	t.Helper()
	now := configStateOf(t, s.path)
	if !bytes.Equal(now.data, s.data) || (now.data == nil) != (s.data == nil) {
		t.Errorf("the action changed the runner user's %s:\n%s", s.path, now.data)
	}
	if !slices.Equal(now.entries, s.entries) {
		t.Errorf("the action changed what %s holds: %q, was %q", filepath.Dir(s.path), now.entries, s.entries)
	}
}

// With a profile: AWS_CONFIG_FILE, AWS_PROFILE and the region exported, no
// credentials. The profile goes into the job's copy of the config file the
// SDKs would read (~/.aws/config, or AWS_CONFIG_FILE, ~/ expanded), which
// stays byte for byte as it was; the copy holds the user's profiles too.
// The profile's credential_process gives a later step's SDK the
// credentials the action's exchange cached, with no other STS call.
func TestActionProfile(t *testing.T) {
	for _, c := range []struct {
		name, configFile string // configFile: AWS_CONFIG_FILE, relative to HOME ("" unset)
		data             string // the file's ("" none)
	}{
		{"the home config file", "", userProfiles},
		{"no config file", "", ""},
		{"AWS_CONFIG_FILE", "cfg/aws-config", userProfiles},
		{"AWS_CONFIG_FILE in the home directory", "~/cfg/aws-config", userProfiles},
		{"AWS_CONFIG_FILE, no file", "cfg/aws-config", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := newTestJob(t, testVersion, "")
			real := filepath.Join(j.home, ".aws", "config")
			if c.configFile != "" {
				real = filepath.Join(j.home, strings.TrimPrefix(c.configFile, "~/"))
				v := c.configFile
				if !strings.HasPrefix(v, "~/") {
					v = real
				}
				j.base = append(j.base, "AWS_CONFIG_FILE="+v)
			}
			if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
				t.Fatal(err)
			}
			if c.data != "" {
				if err := os.WriteFile(real, []byte(c.data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := configStateOf(t, real)
			role := "arn:aws:iam::123456789012:role/github-aud"
			runs, out := j.runAction(map[string]string{"role-arn": role, "profile": "ci-deploy", "region": "us-west-2", "audience": "octo-aud"})
			j.succeeded(runs)
			before.unchanged(t)
			if _, err := os.Lstat(filepath.Join(j.home, ".aws")); c.configFile != "" && err == nil {
				t.Error("the action created ~/.aws")
			}
			issued := j.issued("")
			copied := filepath.Join(j.temp, "oidc-creds", "aws-config")
			j.exportsAre(map[string]string{"AWS_CONFIG_FILE": copied, "AWS_PROFILE": "ci-deploy", "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "us-west-2"}, issued)
			for _, r := range runs {
				j.noSecret("stdout of "+r.name, r.stdout)
				if strings.Contains(r.stdout, "::add-mask::") {
					t.Errorf("step %q masks a value, but no secret leaves oidc-creds", r.name)
				}
			}
			config := string(readFile(t, copied))
			bin := filepath.Join(j.temp, "oidc-creds", "bin", "oidc-creds")
			if !strings.HasPrefix(config, c.data) || !strings.Contains(config, "[profile ci-deploy]\ncredential_process = "+bin+" process --role-arn "+role+" --audience octo-aud --region us-west-2 --cache-dir ") {
				t.Errorf("%s, the job's config file, is not the user's with the profile added:\n%s", copied, config)
			}
			if fi, err := os.Stat(copied); err != nil || fi.Mode().Perm()&0o077 != 0 {
				t.Errorf("the job's config file: %v, %v; want it readable by the runner's user only", fi.Mode(), err)
			}
			j.outputsAre(out, issued, "123456789012")
			if src := j.runLaterStep(issued); !strings.Contains(src, "Process") {
				t.Errorf("a later step's credentials came from %s, not credential_process", src)
			}
			if n, reqs := j.sts.Calls(), j.sts.TokenRequests(); n != 1 || len(reqs) != 1 || reqs[0].Audience != "octo-aud" {
				t.Errorf("%d STS calls and token requests %v, want one of each (for octo-aud): the later step a cache hit", n, reqs)
			}
		})
	}
}

// The action twice in a job, with two profiles: the second goes into the
// job's copy beside the first, and the user's file stays as it was.
func TestActionTwoProfiles(t *testing.T) {
	j := newTestJob(t, testVersion, "")
	real := filepath.Join(j.home, ".aws", "config")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte(userProfiles), 0o600); err != nil {
		t.Fatal(err)
	}
	before := configStateOf(t, real)
	for _, in := range []map[string]string{
		{"role-arn": githubRole, "profile": "first"},
		{"role-arn": "arn:aws:iam::123456789012:role/github-aud", "audience": "octo-aud", "profile": "second"},
	} {
		runs, _ := j.runAction(in)
		for _, r := range runs {
			if r.err != nil {
				t.Fatalf("profile %s: step %q: %v\n%s", in["profile"], r.name, r.err, r.stderr)
			}
		}
	}
	before.unchanged(t)
	config := string(readFile(t, filepath.Join(j.temp, "oidc-creds", "aws-config")))
	if !strings.HasPrefix(config, userProfiles) || !strings.Contains(config, "[profile first]\ncredential_process = ") ||
		!strings.Contains(config, "[profile second]\ncredential_process = ") {
		t.Errorf("the job's config file:\n%s", config)
	}
	if src := j.runLaterStep(j.issued("")); !strings.Contains(src, "Process") {
		t.Errorf("a later step's credentials came from %s, not credential_process", src)
	}
}
