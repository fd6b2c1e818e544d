package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// mint asks the server for a signed token and prints it.
func mint(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mint", stderr)
	u := urlFlag(fs)
	sub := fs.String("sub", "", "subject (default: the server's default subject)")
	aud := fs.String("aud", "", "audience (default: the server's audience)")
	iss := fs.String("iss", "", "issuer (default: the server's issuer URL)")
	expIn := fs.Duration("exp-in", time.Hour, "exp relative to now; negative for an expired token")
	nbfIn := fs.Duration("nbf-in", 0, "nbf relative to now; positive for a token not yet valid")
	foreign := fs.Bool("foreign", false, "sign with a key the server does not publish (the signature will not verify)")
	var extra listFlag
	fs.Var(&extra, "claim", "an extra claim `k=v`; v is parsed as JSON when it can be (null removes the claim), else taken as a string; repeatable")
	if err := parse(fs, args); err != nil {
		return err
	}
	base, err := needURL(fs, *u)
	if err != nil {
		return err
	}

	nbfSet := false
	fs.Visit(func(f *flag.Flag) { nbfSet = nbfSet || f.Name == "nbf-in" })
	claims := timeClaims(time.Now(), *expIn, *nbfIn, nbfSet)
	for name, v := range map[string]string{"sub": *sub, "aud": *aud, "iss": *iss} {
		if v != "" {
			claims[name] = v
		}
	}
	if err := addClaims(claims, extra); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return errUsage
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return err
	}
	endpoint := base + "/_test/mint"
	if *foreign {
		endpoint += "?foreign=1"
	}
	tok, err := call(http.MethodPost, endpoint, "application/json", body)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", tok)
	return err
}

// timeClaims are iat, nbf and exp for a token that expires expIn from now.
// An expired token was issued before it expired, unless nbf is given.
func timeClaims(now time.Time, expIn, nbfIn time.Duration, nbfSet bool) map[string]any {
	issued := now
	if expIn <= 0 && !nbfSet {
		issued = now.Add(expIn - time.Hour)
	}
	return map[string]any{
		"iat": issued.Unix(),
		"nbf": issued.Add(nbfIn).Unix(),
		"exp": now.Add(expIn).Unix(),
	}
}

// addClaims adds k=v claims; v is parsed as JSON when it can be, else taken
// as a string.
func addClaims(claims map[string]any, kvs []string) error {
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return fmt.Errorf("--claim wants k=v, got %q", kv)
		}
		var parsed any
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&parsed); err != nil || dec.More() {
			parsed = v
		}
		claims[k] = parsed
	}
	return nil
}
