package awsconfig

import (
	"maps"
	"slices"
	"strings"
)

// Overriding lists keys in a profile that the SDKs use before
// credential_process, so that it would never run.
var Overriding = []string{
	"aws_access_key_id", "aws_secret_access_key", "aws_session_token",
	"role_arn", "source_profile", "credential_source", "web_identity_token_file",
	"sso_session", "sso_start_url", "sso_account_id", "sso_role_name", "login_session",
}

// ProfileKeys lists, sorted, the keys that botocore or aws-sdk-go-v2 find
// in profile name of the config file contents in: botocore's (the last
// section it reads as the profile, with those of [DEFAULT]) and
// aws-sdk-go-v2's (the sections it reads as the profile, merged; an
// indented key that botocore takes for a continuation line too).
func ProfileKeys(in []byte, name string) []string {
	s := strings.TrimPrefix(string(in), bom)
	keys := botoKeys(parse(s), name, false)
	keys = slices.AppendSeq(keys, maps.Keys(goProfile(s, name, false)))
	slices.Sort(keys)
	return slices.Compact(keys)
}

// CredentialsKeys is ProfileKeys for section [NAME] of the shared
// credentials file.
func CredentialsKeys(in []byte, name string) []string {
	s := strings.TrimPrefix(string(in), bom)
	keys := botoKeys(parse(s), name, true)
	keys = slices.AppendSeq(keys, maps.Keys(goProfile(s, name, true)))
	slices.Sort(keys)
	return slices.Compact(keys)
}

// DefaultKeys lists the keys of [DEFAULT], which botocore gives every
// section of the file that does not set them itself.
func DefaultKeys(in []byte) []string {
	var keys []string
	if d := parse(strings.TrimPrefix(string(in), bom)).defaults(); d != nil {
		for _, o := range d.opts {
			keys = append(keys, o.key)
		}
	}
	return keys
}

// ProfileValue is the value botocore reads for key in profile name of the
// config file, and whether it finds one.
func ProfileValue(in []byte, name, key string) (string, bool) {
	f := parse(strings.TrimPrefix(string(in), bom))
	idx := f.profileSections(name, false)
	if len(idx) == 0 {
		return "", false
	}
	if o := f.sects[idx[len(idx)-1]].opt(key); o != nil {
		return o.join(), true
	}
	if d := f.defaults(); d != nil && d.opt(key) != nil {
		return d.opt(key).join(), true
	}
	return "", false
}

func (f *file) defaults() *section {
	for _, s := range f.sects {
		if s.name == defaultSection {
			return s
		}
	}
	return nil
}

func botoKeys(f *file, name string, creds bool) []string {
	var keys []string
	idx := f.profileSections(name, creds)
	if len(idx) == 0 {
		return nil
	}
	for _, s := range []*section{f.sects[idx[len(idx)-1]], f.defaults()} {
		if s != nil {
			for _, o := range s.opts {
				keys = append(keys, o.key)
			}
		}
	}
	return keys
}

// goProfile is profile name as aws-sdk-go-v2 reads it from the config
// file (creds false: [profile NAME], which beats [default] for default) or
// the credentials file ([NAME]): its keys and values.
func goProfile(s, name string, creds bool) map[string]string {
	secs := goSections(s)
	if creds {
		return secs[name]
	}
	if v, ok := secs["profile "+name]; ok {
		return v
	}
	if name == "default" {
		return secs["default"]
	}
	return nil
}

// goSections mirrors aws-sdk-go-v2's INI reader: lines split at \n only; #
// and ; start a comment at a line's start, and after white space in a
// value; an indented key = value is a key of its own unless it follows a key
// with an empty value (then it is a nested setting); other indented lines
// continue the value before them; sections of one name merge.
func goSections(s string) map[string]map[string]string {
	secs := map[string]map[string]string{}
	nested := map[string]bool{} // section + "\x00" + key: the value is a nested block
	cur, ckey := "", ""
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" || goComment(l) {
			continue
		}
		if name, ok := goHeader(l); ok {
			cur, ckey = name, ""
			if secs[cur] == nil {
				secs[cur] = map[string]string{}
			}
			continue
		}
		indented := l[0] == ' ' || l[0] == '\t'
		if !indented {
			if k, v, ok := goSplit(strings.TrimRight(goCutComment(l), " \t")); ok && cur != "" {
				ckey = strings.ToLower(k)
				secs[cur][ckey], nested[cur+"\x00"+ckey] = goUnquote(strings.TrimSpace(v)), false
			}
			continue
		}
		t := strings.TrimLeft(l, " \t")
		if k, v, ok := goSplit(t); ok {
			if cur != "" && (ckey == "" || secs[cur][ckey] != "") {
				ckey = strings.ToLower(k)
				secs[cur][ckey] = strings.TrimSpace(goCutComment(goUnquote(strings.TrimSpace(v))))
				nested[cur+"\x00"+ckey] = false
			} else if cur != "" {
				nested[cur+"\x00"+ckey] = true
			}
			continue
		}
		if v := secs[cur][ckey]; ckey != "" && v != "" && !nested[cur+"\x00"+ckey] {
			secs[cur][ckey] = v + "\n" + t
		}
	}
	return secs
}

func goUnquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

func goComment(l string) bool {
	t := strings.TrimLeft(l, " \t")
	return strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";")
}

// goHeader is the section name aws-sdk-go-v2 reads from a header line:
// "[ profile  x ] ; c" is "profile x".
func goHeader(l string) (string, bool) {
	t, _, _ := strings.Cut(l, "#")
	t, _, _ = strings.Cut(t, ";")
	t = strings.TrimSpace(t)
	if !strings.HasPrefix(t, "[") || !strings.HasSuffix(t, "]") || len(t) < 2 {
		return "", false
	}
	t = strings.TrimSpace(t[1 : len(t)-1])
	if i := strings.IndexAny(t, " \t"); i >= 0 {
		return t[:i] + " " + strings.TrimLeft(t[i:], " \t"), true
	}
	return t, true
}

// goSplit cuts a line at its first = or :.
func goSplit(l string) (k, v string, ok bool) {
	i := strings.IndexAny(l, "=:")
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(l[:i]), l[i+1:], true
}
