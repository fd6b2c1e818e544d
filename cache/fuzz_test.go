package cache

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
	"time"
)

// entryErrorText is every message decodeEntry may give: fixed words, byte
// offsets, Go field names and JSON kinds, never the file's content (which
// holds secrets). A number in a numeric field (Version) may be quoted:
// no secret is a number.
var entryErrorText = regexp.MustCompile(`^not a valid cache entry: (` +
	`empty file|truncated JSON|malformed field|invalid JSON at byte \d+|` +
	`version -?\d+, want 1|` +
	`(field [A-Za-z.]+ holds )?a JSON (string|bool|array|object|null|number( [-+0-9.eE]+)?)(, not an object)?` +
	`)$`)

// FuzzDecodeEntry feeds arbitrary bytes to the decoder of KEY.json files:
// it never panics, its errors never quote the content, and what it accepts
// encodes and decodes back to the same entry. The seeds are below and in
// testdata/fuzz/FuzzDecodeEntry; `go test -fuzz FuzzDecodeEntry ./cache/`
// explores (scripts/fuzz.sh runs every fuzz test).
func FuzzDecodeEntry(f *testing.F) {
	good, err := encodeEntry(testEntry("FUZZ", time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(good),
		string(good[:len(good)/2]),
		string(good) + "{}",
		"", "null", "[]", "{}", `"x"`, "1", "\xff\xfe",
		`{"Version":1}`,
		`{"Version":2,"Credentials":{"SecretAccessKey":"SECRETx"}}`,
		`{"Version":"SECRET"}`,
		`{"Version":1e400}`,
		`{"Version":1.5}`,
		`{"Version":-1}`,
		`{"Version":1,"Credentials":{"Expiration":"SECRET"}}`,
		`{"Version":1,"Credentials":{"Expiration":12}}`,
		`{"Version":1,"Credentials":{"Expiration":"2026-11-25T20:00:00+01:00"}}`,
		`{"Version":1,"Credentials":"SECRET"}`,
		`{"Version":1,"Written":"0000-01-01T00:00:00Z","Role":null}`,
		`{"version":1,"credentials":{"accesskeyid":"A","secretaccesskey":"B","expiration":"2030-01-01T00:00:00Z"}}`,
		`{"Version":1,"Version":2}`,
		"{\"Version\":1,\"Role\":\"\\ud800\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := decodeEntry(data)
		if err != nil {
			if e != nil {
				t.Fatalf("decodeEntry returned an entry along with %v", err)
			}
			if !errors.Is(err, errBadEntry) {
				t.Fatalf("error %v does not wrap errBadEntry", err)
			}
			if !entryErrorText.MatchString(err.Error()) {
				t.Fatalf("unexpected error text (it may quote the content): %q", err)
			}
			return
		}
		if e.Version != EntryVersion {
			t.Fatalf("accepted version %d", e.Version)
		}
		_ = e.ValidFor(15 * time.Minute)
		enc, err := encodeEntry(e)
		if err != nil {
			// Only a time outside years 0..9999 cannot be encoded, and
			// such a time cannot have been decoded.
			t.Fatalf("an accepted entry does not encode: %v", err)
		}
		e2, err := decodeEntry(enc)
		if err != nil {
			t.Fatalf("the encoding of an accepted entry does not decode: %v\n%s", err, enc)
		}
		enc2, err := encodeEntry(e2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("encode(decode(encode(e))) differs from encode(e): %v\n%s\n%s", err, enc, enc2)
		}
		if !e2.Credentials.Expiration.Equal(e.Credentials.Expiration) || !e2.Written.Equal(e.Written) ||
			e2.Credentials.AccessKeyID != e.Credentials.AccessKeyID || e2.Credentials.SecretAccessKey != e.Credentials.SecretAccessKey ||
			e2.Credentials.SessionToken != e.Credentials.SessionToken {
			t.Fatalf("the entry changed through encoding: %+v vs %+v", e, e2)
		}
	})
}
