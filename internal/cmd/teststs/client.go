package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// urlFlag declares --url, defaulting to $TESTSTS_URL.
func urlFlag(fs *flag.FlagSet) *string {
	return fs.String("url", os.Getenv("TESTSTS_URL"), "the server's `URL` (default $TESTSTS_URL)")
}

// needURL returns the base URL without a final slash, or a usage error when empty.
func needURL(fs *flag.FlagSet, u string) (string, error) {
	if u == "" {
		fmt.Fprintf(fs.Output(), "%s: --url (or $TESTSTS_URL) is required\n", fs.Name())
		return "", errUsage
	}
	return strings.TrimRight(u, "/"), nil
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// call makes a request to a control endpoint and returns the body of a 2xx answer.
func call(method, u, contentType string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, u, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}
