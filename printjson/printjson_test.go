package printjson

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestIndent(t *testing.T) {
	v := map[string]string{"sub": "a\u202eb\u200bc\u009bd\x7fe\ufeff<yaml>\U0001F600", "plain": "x y"}
	b, err := Indent(v)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, r := range "\u202e\u200b\u009b\x7f\ufeff" {
		if strings.ContainsRune(s, r) {
			t.Errorf("%q left raw in %s", r, s)
		}
	}
	if !strings.Contains(s, "<yaml>") || !strings.Contains(s, "\U0001F600") || !strings.HasSuffix(s, "}\n") || !strings.Contains(s, "\n  \"plain\": \"x y\"") {
		t.Errorf("layout or printable characters changed:\n%s", s)
	}
	var back map[string]string
	if err := json.Unmarshal(b, &back); err != nil || back["sub"] != v["sub"] {
		t.Errorf("does not decode to the same value: %v, %q", err, back["sub"])
	}
	if _, err := Indent(func() {}); err == nil {
		t.Error("no error for a value JSON cannot carry")
	}
}
