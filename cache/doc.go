// Package cache is a cross-process cache of exchanged AWS credentials: however
// many oidc-creds processes ask for the same credentials at once, only one of
// them calls STS.
//
// # Layout
//
// The cache is a directory (0700, owned by the user) holding, per key:
//
//	KEY.json   the entry: credentials and a little metadata, mode 0600
//	KEY.lock   an empty lock file, mode 0600, never deleted
//
// where KEY is [KeyParts.Key], the hex SHA-256 of everything that changes the
// credentials. The OIDC token itself is never stored: only claims describing
// it (issuer, subject, audience) or, for opaque tokens, a hash the caller
// computes.
//
// # Concurrency
//
// Following cmd/go's lockedfile and renameio:
//
//   - Readers never lock. Writers write a temporary file in the same
//     directory, fsync it, close it and rename it over KEY.json, so a reader
//     sees either the old complete entry or the new one, never a torn write.
//   - On a miss, a process takes an exclusive lock on KEY.lock (flock on unix,
//     LockFileEx on windows), looks again, and only then fetches. Others wait by
//     polling a non-blocking lock, then find the fresh entry. The operating
//     system releases the lock when its holder dies, so a killed process
//     cannot wedge the cache.
//   - Lock files are never deleted: deleting a lock file that another process
//     has open lets a third process lock a new file of the same name, and two
//     processes would then fetch at once.
//
// # Hostile files
//
// Cache, lock and temporary files are opened without following symlinks
// (package filelock: O_NOFOLLOW and an fstat check on unix; Lstat first on
// windows). A symlink
// or other non-regular file planted where an entry should be is a miss and is
// replaced by the rename (which replaces the link, not its target). A planted
// lock file makes the cache unusable for that key: the caller is warned and
// fetches without the cache. Corrupt, truncated, empty or unknown-version
// entries are misses and get rewritten.
package cache
