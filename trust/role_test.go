package trust

import (
	"encoding/json"
	"testing"
)

func TestRolePolicy(t *testing.T) {
	ci := "arn:aws:iam::111111111111:role/team/ci"
	got, err := RolePolicy([]string{ci}, "ext:1/2")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::111111111111:role/team/ci"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "ext:1/2"
        }
      }
    }
  ]
}
`
	if got != want {
		t.Errorf("RolePolicy =\n%s\nwant\n%s", got, want)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(RoleStatement([]string{ci, "arn:aws:iam::222222222222:role/x"}, "")), &st); err != nil {
		t.Fatal(err)
	}
	if _, has := st["Condition"]; has {
		t.Errorf("a Condition without an external id: %v", st)
	}
	if p := st["Principal"].(map[string]any)["AWS"].([]any); len(p) != 2 {
		t.Errorf("Principal %v", p)
	}
	for _, bad := range [][]string{nil, {"arn:aws:iam::111111111111:user/me"}, {"ci"},
		{ci, "arn:aws-cn:iam::222222222222:role/x"}, {"arn:minio:iam:::role/m", ci}} {
		if _, err := RolePolicy(bad, ""); err == nil {
			t.Errorf("RolePolicy(%q) accepted", bad)
		}
	}
}
