package awsconfig

import "testing"

// FuzzSet edits any file for any profile name and value, in the config file
// (credential_process) and in the credentials file (three keys set, one
// removed), and checks checkSet's contract: refused only when botocore
// could not read the file (or the name or value cannot be written); else
// readable, every line and key not targeted kept byte for byte, the
// targeted ones changed as asked, and a second edit a no-op.
func FuzzSet(f *testing.F) {
	for _, s := range tricky {
		f.Add([]byte(s), "a", "/bin/oidc-creds process", false)
		f.Add([]byte(s), "default", "AKIA", true)
	}
	for _, c := range setCases {
		f.Add([]byte(c.in), c.profile, "NEW", false)
	}
	f.Fuzz(func(t *testing.T, in []byte, name, value string, creds bool) {
		c := change{name: name, creds: creds, set: []KeyValue{{cp, value}}}
		if creds {
			c.set = []KeyValue{{"aws_access_key_id", value}, {"aws_secret_access_key", value + "/s"}, {"aws_session_token", value + "=="}}
			c.remove = []string{"aws_security_token"}
		}
		got, err := edit(in, c)
		if _, bad := err.(*ValueError); bad && c.check() == nil {
			t.Fatalf("ValueError for a valid name and value: %v", err)
		}
		checkSet(t, string(in), c, got, err)
	})
}
