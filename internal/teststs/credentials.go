package teststs

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
)

// Credential material shaped like AWS's.

// newCredentials makes fresh temporary credentials that expire at exp.
func newCredentials(exp time.Time) credentials {
	return credentials{
		SessionToken:    newSessionToken(),
		SecretAccessKey: newSecretAccessKey(),
		Expiration:      exp.UTC().Truncate(time.Second).Format(time.RFC3339),
		AccessKeyID:     newAccessKeyID(),
	}
}

func newAccessKeyID() string {
	return "ASIA" + rand.Text()[:16] // rand.Text is 26 characters of A-Z2-7
}

func newSecretAccessKey() string {
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	s := []byte(base64.StdEncoding.EncodeToString(b)) // 40 characters
	ensureChars(s, 0, len(s))
	return string(s)
}

// sessionTokenPrefix is how real session tokens start ("IQoJb3JpZ2luX2Vj").
const sessionTokenPrefix = "!\n\torigin_ec"

func newSessionToken() string {
	b := make([]byte, len(sessionTokenPrefix)+640) // length ≡ 1 (mod 3): ends in "=="
	copy(b, sessionTokenPrefix)
	_, _ = rand.Read(b[len(sessionTokenPrefix):])
	s := []byte(base64.StdEncoding.EncodeToString(b))
	ensureChars(s, 16, len(s)-4)
	return string(s)
}

// ensureChars makes sure s[from:to] holds a '+' and a '/' (so tests see the
// characters that shells and URL encoders break), replacing random positions.
func ensureChars(s []byte, from, to int) {
	pos := func() int {
		var b [2]byte
		_, _ = rand.Read(b[:])
		return from + (int(b[0])<<8|int(b[1]))%(to-from)
	}
	if !bytes.ContainsRune(s[from:to], '+') {
		s[pos()] = '+'
	}
	if !bytes.ContainsRune(s[from:to], '/') {
		for {
			if i := pos(); s[i] != '+' {
				s[i] = '/'
				break
			}
		}
	}
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
