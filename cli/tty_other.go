//go:build unix && !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cli

// inTerminalForeground: unknown on this system, so signals are always
// forwarded.
func inTerminalForeground() bool { return false }
