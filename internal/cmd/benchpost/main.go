// Command benchpost is the floor scripts/bench.sh compares a cold exchange
// with: a bare HTTP POST (Go's net/http) of the STS request in FILE.
//
//	benchpost URL FILE
package main

import (
	"io"
	"net/http"
	"os"
)

func main() {
	body, err := os.Open(os.Args[2])
	if err != nil {
		os.Exit(1)
	}
	resp, err := http.Post(os.Args[1], "application/x-www-form-urlencoded", body)
	if err != nil || resp.StatusCode != http.StatusOK {
		os.Exit(1)
	}
	io.Copy(os.Stdout, resp.Body)
}
