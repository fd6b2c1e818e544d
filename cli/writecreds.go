package cli

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/oidc-creds/oidc-creds/awsconfig"
	"github.com/oidc-creds/oidc-creds/creds"
)

// WriteCredentialsCmd writes credentials into the shared credentials file,
// for tools that read only that file.
type WriteCredentialsCmd struct {
	Profile string `name:"profile" required:"" placeholder:"NAME" help:"Profile to write: section [NAME] of AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials."`
	ExchangeFlags
}

// Run obtains credentials as process does (the cache included), then sets
// aws_access_key_id, aws_secret_access_key and aws_session_token in the
// profile under the file's lock, 0600, touching nothing else.
func (c *WriteCredentialsCmd) Run(o *IO) error {
	start := timeNow()
	if err := checkProfileName(c.Profile, true); err != nil {
		return err
	}
	path, err := awsconfig.CredentialsPath()
	if err != nil {
		return usageError("cannot find the home directory for ~/.aws/credentials (%v); set AWS_SHARED_CREDENTIALS_FILE", err)
	}
	if err := c.precheck(path); err != nil {
		return err // before the exchange: a file that cannot take them
	}
	cr, err := c.credentials(o)
	if err != nil {
		return err
	}
	set := []awsconfig.KeyValue{{Key: "aws_access_key_id", Value: cr.AccessKeyID}, {Key: "aws_secret_access_key", Value: cr.SecretAccessKey}}
	// botocore prefers aws_security_token, the old name, to aws_session_token.
	remove := []string{"aws_security_token"}
	if cr.SessionToken != "" {
		set = append(set, awsconfig.KeyValue{Key: "aws_session_token", Value: cr.SessionToken})
	} else {
		remove = append(remove, "aws_session_token")
	}
	// --timeout bounds the whole run: the lock gets what the exchange left.
	f := &awsFile{what: "AWS credentials file", path: path, mode: awsconfig.Private, timeout: c.Timeout - timeNow().Sub(start),
		edit: func(old []byte) (awsconfig.Edited, error) {
			return awsconfig.SetCredentials(old, c.Profile, set, remove...)
		}}
	if err := f.update(false); err != nil {
		var ve *awsconfig.ValueError
		if errors.As(err, &ve) {
			return &creds.Error{Kind: creds.KindInternal, Err: err, Msg: fmt.Sprintf("STS returned credentials that cannot be written to a credentials file: %v", err)}
		}
		return err
	}
	header := "[" + c.Profile + "]"
	f.warnFixes(o, header)
	c.warnConflicts(o, f.result.Data)
	fmt.Fprintf(o.Stdout, "wrote credentials to %s in %s; they expire at %s.\n", header, path, cr.Expiration.UTC().Format(time.RFC3339))
	fmt.Fprintf(o.Stdout, "The file cannot renew them: run this again before then, or, for tools that read ~/.aws/config, use oidc-creds configure-profile, whose credential_process renews them on its own.\n")
	return nil
}

// precheck fails, as the edit would, when the credentials file as it is now
// cannot be edited (botocore could not read it).
func (c *WriteCredentialsCmd) precheck(path string) error {
	f := &awsFile{what: "AWS credentials file", path: path, timeout: c.Timeout, edit: func(old []byte) (awsconfig.Edited, error) {
		return awsconfig.SetCredentials(old, c.Profile, []awsconfig.KeyValue{{Key: "aws_access_key_id", Value: "x"}})
	}}
	return f.update(true)
}

// warnConflicts warns about settings of the profile in the config file that
// the SDKs use instead of, or together with, the keys just written, and
// about a [DEFAULT] aws_security_token, which botocore prefers to them.
func (c *WriteCredentialsCmd) warnConflicts(o *IO, credsFile []byte) {
	if slices.Contains(awsconfig.DefaultKeys(credsFile), "aws_security_token") {
		o.Warnf("[DEFAULT] in the credentials file sets aws_security_token, which botocore (the AWS CLI) uses for every profile instead of aws_session_token; remove it")
	}
	p, err := awsconfig.Path()
	if err != nil {
		return
	}
	b := readForWarnings(p, c.Timeout)
	header := awsconfig.SectionHeader(c.Profile)
	for _, k := range awsconfig.ProfileKeys(b, c.Profile) {
		switch {
		case k == "credential_process":
			o.Warnf("%s in %s sets credential_process, which the AWS SDKs never run while the credentials file has keys for the profile; remove one of the two", header, p)
		case k == "role_arn":
			o.Warnf("%s in %s sets role_arn: the AWS SDKs assume that role (from these keys or from its source) instead of using the keys as they are; remove it if the keys are meant for the profile", header, p)
		case slices.Contains(awsconfig.Overriding, k) && !slices.Contains(set3, k):
			o.Warnf("%s in %s sets %s, which the AWS SDKs may use instead of the keys in the credentials file; remove it", header, p, k)
		}
	}
}

// set3 are the keys write-credentials writes.
var set3 = []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}
