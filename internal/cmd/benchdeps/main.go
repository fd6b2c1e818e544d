// Command benchdeps is benchfloor's file read linked with oidc-creds'
// dependencies (the AWS SDK's config and sts packages, kong): the part of a
// cache hit's cost that is their package initialisation, which every run
// of any program that links them pays.
package main

import (
	"os"

	_ "github.com/alecthomas/kong"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
