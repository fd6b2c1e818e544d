// Command oidc-creds exchanges an OIDC token for temporary AWS credentials
// and prints them for credential_process or for a shell.
package main

import (
	"os"

	"github.com/oidc-creds/oidc-creds/cli"
)

func main() { os.Exit(cli.Run()) }
