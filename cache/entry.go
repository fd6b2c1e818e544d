package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// EntryVersion is the only [Entry.Version] this package reads; an entry with
// any other version is a miss and is overwritten.
const EntryVersion = 1

// maxEntrySize bounds what Get reads: a real entry is well under 4 KiB.
const maxEntrySize = 64 << 10

// timeNow is the clock, replaced by tests.
var timeNow = time.Now

// Entry is the content of a KEY.json cache file.
type Entry struct {
	// Version must equal EntryVersion.
	Version int
	// Role is the role ARN, Session the role session name and Identity a
	// description of the token's identity ([KeyParts.Identity]); they are
	// for `cache list` only and play no part in lookups.
	Role     string
	Session  string
	Identity string
	// Credentials are the temporary credentials. They are secret: never
	// print them in logs or errors.
	Credentials creds.Credentials
	// Written is when the entry was written.
	Written time.Time
}

// ValidFor reports whether e holds credentials that are valid for more than
// d from now (creds.Credentials.Valid). It is false for a nil entry.
func (e *Entry) ValidFor(d time.Duration) bool {
	return e != nil && e.Credentials.Valid(timeNow(), d) == nil
}

func encodeEntry(e *Entry) ([]byte, error) {
	data, err := json.MarshalIndent(e, "", "\t")
	if err != nil {
		return nil, fmt.Errorf("encoding cache entry: %w", err)
	}
	return append(data, '\n'), nil
}

// errBadEntry marks an entry file whose content is not a usable entry.
var errBadEntry = errors.New("not a valid cache entry")

// decodeEntry parses an entry. Its errors describe what is wrong without
// quoting the content, which holds secrets.
func decodeEntry(data []byte) (*Entry, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty file", errBadEntry)
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("%w: %s", errBadEntry, describeJSONError(err, len(data)))
	}
	if e.Version != EntryVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", errBadEntry, e.Version, EntryVersion)
	}
	return &e, nil
}

func describeJSONError(err error, size int) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax) && syntax.Offset >= int64(size):
		return "truncated JSON"
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Sprintf("a JSON %s, not an object", typ.Value)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s holds a JSON %s", typ.Field, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated JSON"
	default:
		// Do not quote err: some decoding errors (time.Parse) quote the
		// input.
		return "malformed field"
	}
}
