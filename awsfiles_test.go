package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/oidc-creds/oidc-creds/filelock"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// Commands for the scripts of the AWS files (configure_profile.txtar,
// write_credentials.txtar).

// fanout N PROGRAM ARGS... runs N copies at once, %i in an argument replaced
// by the copy's number (0 to N-1); each must succeed. Their stdout and
// stderr are written, in the copies' order, to fanout.out and fanout.err.
func cmdFanout(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: fanout N PROGRAM ARGS...")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	prog, err := lookPath(ts, args[1])
	ts.Check(err)
	outs, errs := make([]bytes.Buffer, n), make([]bytes.Buffer, n)
	fails := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := make([]string, len(args)-2)
			for j, arg := range args[2:] {
				a[j] = strings.ReplaceAll(arg, "%i", strconv.Itoa(i))
			}
			cmd := exec.Command(prog, a...)
			cmd.Dir, cmd.Env = ts.Getenv("WORK"), scriptEnv(ts)
			cmd.Stdout, cmd.Stderr = &outs[i], &errs[i]
			fails[i] = cmd.Run()
		}()
	}
	wg.Wait()
	var out, stderr bytes.Buffer
	for i := range n {
		out.Write(outs[i].Bytes())
		stderr.Write(errs[i].Bytes())
		if fails[i] != nil {
			ts.Fatalf("copy %d failed: %v\n%s", i, fails[i], errs[i].String())
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs("fanout.out"), out.Bytes(), 0o600))
	ts.Check(os.WriteFile(ts.MkAbs("fanout.err"), stderr.Bytes(), 0o600))
}

// holdlock FILE takes the lock file FILE (relative to $WORK), as another
// oidc-creds run would, until "holdlock -release FILE" or the script's end.
func cmdHoldLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || (args[0] == "-release") != (len(args) == 2) {
		ts.Fatalf("usage: holdlock [-release] FILE")
	}
	path := ts.MkAbs(args[len(args)-1])
	heldMu.Lock()
	defer heldMu.Unlock()
	if args[0] == "-release" {
		if r := held[path]; r != nil {
			r()
		}
		return
	}
	release, err := filelock.Acquire(context.Background(), path, 0, nil)
	ts.Check(err)
	held[path] = sync.OnceFunc(release)
	ts.Defer(held[path])
}

var (
	heldMu sync.Mutex
	held   = map[string]func(){} // by absolute path: the release of a holdlock
)

// botocore sections FILE | profiles FILE | creds PROFILE reads with
// botocore itself (the AWS CLI's): the sections raw_config_parse finds in
// FILE or the profiles build_profile_map makes of them (one per line,
// sorted), or the credentials a botocore session resolves for PROFILE from
// the script's AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, as JSON
// (credential_process included). It fails when botocore cannot read the
// file; ! botocore expects that. Guard it with [botocore].
func cmdBotocore(ts *testscript.TestScript, neg bool, args []string) {
	py := testkit.FindBotocore()
	if len(args) != 2 || py == nil {
		ts.Fatalf("usage: botocore sections FILE | profiles FILE | creds PROFILE (guarded by [botocore])")
	}
	arg := args[1]
	if args[0] != "creds" {
		arg = ts.MkAbs(arg)
	}
	script, ok := botocoreScripts[args[0]]
	if !ok {
		ts.Fatalf("botocore: unknown request %q", args[0])
	}
	out, stderr, err := py.Try(script, []byte(arg), scriptEnv(ts)...)
	if (err != nil) != neg {
		ts.Fatalf("botocore %s %s: %v\n%s", args[0], args[1], err, stderr)
	}
	fmt.Fprint(ts.Stdout(), string(out))
	fmt.Fprint(ts.Stderr(), string(stderr))
}

var botocoreScripts = map[string]string{
	"sections": `
import sys
from botocore.configloader import raw_config_parse
for s in sorted(raw_config_parse(sys.stdin.read())):
    print(s)
`,
	"profiles": `
import sys
from botocore.configloader import load_config
for p in sorted(load_config(sys.stdin.read())['profiles']):
    print(p)
`,
	"creds": `
import json, sys, botocore.session
c = botocore.session.Session(profile=sys.stdin.read()).get_credentials()
if c is None:
    sys.exit('botocore found no credentials')
f = c.get_frozen_credentials()
print(json.dumps({'AccessKeyId': f.access_key, 'SecretAccessKey': f.secret_key, 'SessionToken': f.token, 'Method': c.method}))
`,
}
