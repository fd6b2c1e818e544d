package trust

import "testing"

func TestHasUserinfo(t *testing.T) {
	for s, want := range map[string]bool{
		"https://admin:s3 cret@sts.example.com": true,
		`https://admin:p"w@sts.example.com/x`:   true,
		"admin:pw@127.0.0.1:9000":               true,
		"https://sts.example.com/a@b":           false,
		"https://sts.example.com?x=a@b":         false,
		"https://api.pulumi.com/oidc":           false,
		"127.0.0.1:9000":                        false,
	} {
		if got := HasUserinfo(s); got != want {
			t.Errorf("HasUserinfo(%q) = %v, want %v", s, got, want)
		}
	}
}
