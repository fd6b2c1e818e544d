package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/oidc-creds/oidc-creds/awsconfig"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/filelock"
)

// What configure-profile and write-credentials share: the profile name
// check, the locked edit of an AWS file, and the sentences about it.

// checkProfileName refuses a name that botocore or aws-sdk-go-v2 would read
// back as another; in the credentials file, DEFAULT too.
func checkProfileName(name string, credsFile bool) error {
	if !awsconfig.ValidProfileName(name) {
		return usageError("profile name %q is not usable: botocore (the AWS CLI) or aws-sdk-go-v2 would read it as another name; leave out white space, quotes, backslashes, # and ;", name)
	}
	if credsFile && name == "DEFAULT" {
		return usageError("profile name DEFAULT is not usable in the credentials file: botocore reads [DEFAULT] as defaults for every profile, not as a profile")
	}
	return nil
}

// awsFile is one edit of the AWS config or credentials file.
type awsFile struct {
	what    string // "AWS config file", "AWS credentials file"
	path    string
	mode    awsconfig.Mode
	timeout time.Duration
	edit    func(old []byte) (awsconfig.Edited, error)
	result  awsconfig.Edited // of the last edit
}

// update applies the edit under the file's lock (see awsconfig.Update);
// dry, it only reads the file.
func (f *awsFile) update(dry bool) error {
	edit := func(old []byte) ([]byte, error) {
		e, err := f.edit(old)
		f.result = e
		return e.Data, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), max(f.timeout, 0))
	defer cancel()
	if dry {
		old, _, err := awsconfig.Read(ctx, f.path)
		if err != nil {
			return usageError("cannot read the %s %s: %v", f.what, f.path, err)
		}
		_, err = edit(old)
		return f.wordError(err)
	}
	_, err := awsconfig.Update(ctx, f.path, f.mode, edit)
	return f.wordError(err)
}

func (f *awsFile) wordError(err error) error {
	var p *awsconfig.Problem
	var lw *filelock.WaitError
	var ce interface{ ExitCode() int }
	switch {
	case err == nil || errors.As(err, &ce):
		return err
	case errors.As(err, &p):
		return usageError("the %s %s cannot be updated: %v; nothing was written", f.what, f.path, err)
	case errors.As(err, &lw):
		return lockWaitError(fmt.Sprintf("another process kept the %s %s locked (its lock file %s.lock)", f.what, f.path, filepath.Base(f.path)), "if it is stuck, stop it", lw)
	}
	return &creds.Error{Kind: creds.KindInput, Err: err, Msg: fmt.Sprintf("cannot write the %s %s: %v", f.what, f.path, err)}
}

// lockWaitError is a run that --timeout ended while another process held a
// lock (of the cache, or of an AWS file): like a call that did not finish
// in time, exit 5 (run again later), and worded without Go's error text:
// held says who held which lock.
func lockWaitError(held, remedy string, err error) error {
	how := "until --timeout ran out"
	if !errors.Is(err, context.DeadlineExceeded) {
		how = "until the run was canceled"
	}
	return &creds.Error{Kind: creds.KindUnreachable, Err: err, Msg: held + " " + how + "; " + remedy}
}

// readForWarnings reads the other AWS file, to warn about it; nil when it
// cannot (missing, unreadable, not done within timeout).
func readForWarnings(path string, timeout time.Duration) []byte {
	ctx, cancel := context.WithTimeout(context.Background(), max(timeout, 0))
	defer cancel()
	b, _, err := awsconfig.Read(ctx, path)
	if err != nil {
		return nil
	}
	return b
}

// warnFixes says what the edit repaired or could not make every SDK read.
func (f *awsFile) warnFixes(o *IO, header string) {
	if f.result.DroppedBOM {
		o.Warnf("removed the byte-order mark (BOM) at the start of %s: botocore (the AWS CLI) cannot read a file that starts with one, and aws-sdk-go-v2 skips the line it is on; save it as UTF-8 without BOM", f.path)
	}
	for _, r := range f.result.Repeats {
		o.Warnf("removed line %d of %s: it set %s a second time in its section (first on line %d, which now holds the value), which botocore (the AWS CLI) refuses", r.Line, f.path, r.Key, r.First)
	}
	if f.result.GoMisreads {
		o.Warnf("aws-sdk-go-v2 (Terraform, Pulumi and other Go programs) reads %s otherwise than botocore and will not find what was written to %s: check that profile's section headers and indented lines", f.path, header)
	}
}
