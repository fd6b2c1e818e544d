package cache

import "strconv"

// Status says how getOrFetch got its entry.
type Status int

const (
	// Hit: a valid entry was in the cache.
	Hit Status = iota + 1
	// Fetched: there was no entry, and this call fetched one.
	Fetched
	// Waited: another process held the lock, fetched while we waited, and
	// we used its entry.
	Waited
	// Refreshed: an entry existed but was too close to expiry, corrupt or
	// otherwise unusable, and this call fetched a replacement.
	Refreshed
)

func (s Status) String() string {
	switch s {
	case Hit:
		return "hit"
	case Fetched:
		return "miss"
	case Waited:
		return "waited for the lock"
	case Refreshed:
		return "refreshed"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}
