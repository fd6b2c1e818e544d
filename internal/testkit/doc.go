// Package testkit holds the helpers the tests of several packages share:
// JWTs built by hand, a settable clock, a recorder for log and warning
// lines, and checks that no secret leaked into text. Test code only.
package testkit
