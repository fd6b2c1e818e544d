//go:build !unix

package cli

// openNonBlocking: Windows has no FIFOs that os.OpenFile could block on.
const openNonBlocking = 0
