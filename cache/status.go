package cache

import "strconv"

// status says how getOrFetch got its entry.
type status int

const (
	// statusHit: a valid entry was in the cache.
	statusHit status = iota + 1
	// statusFetched: there was no entry, and this call fetched one.
	statusFetched
	// statusWaited: another process held the lock, fetched while we waited, and
	// we used its entry.
	statusWaited
	// statusRefreshed: an entry existed but was too close to expiry, corrupt or
	// otherwise unusable, and this call fetched a replacement.
	statusRefreshed
)

func (s status) String() string {
	switch s {
	case statusHit:
		return "hit"
	case statusFetched:
		return "miss"
	case statusWaited:
		return "waited for the lock"
	case statusRefreshed:
		return "refreshed"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}
