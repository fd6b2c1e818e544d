package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/exchange"
)

// sdkEnvironment lists the variables through which the AWS SDK could send
// the call elsewhere; they are part of the cache key, so that the hit path
// never has to load the SDK's configuration.
var sdkEnvironment = []string{
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_CONFIG_FILE",
	"AWS_SHARED_CREDENTIALS_FILE",
}

// keyParts is everything that changes the credentials. Region and endpoint
// are what was asked for (flags, and the SDK's inputs: its environment
// variables and the contents of its config and credentials files), not what
// the SDK would resolve: the same inputs always resolve the same way.
func (f *ExchangeFlags) keyParts(r exchange.Request) cache.KeyParts {
	kp := f.inputKeyParts(r)
	kp.Issuer, kp.Subject, kp.Audience, kp.TokenHash = r.Token.Identity()
	kp.Claims = r.Token.ClaimsDigest()
	return kp
}

// requestKeyParts is keyParts before the token is requested: source, the
// token source's Key (a hash of its request's inputs, fixed for the CI
// job), stands for the token's identity. SessionName is the one given ("" =
// derived from the token, which the same inputs always give alike).
func (f *ExchangeFlags) requestKeyParts(r exchange.Request, source string) cache.KeyParts {
	kp := f.inputKeyParts(r)
	kp.Source = source
	return kp
}

// inputKeyParts are the parts of the key that are not the token's.
func (f *ExchangeFlags) inputKeyParts(r exchange.Request) cache.KeyParts {
	return cache.KeyParts{
		RoleARN:     r.RoleARN,
		SessionName: r.SessionName,
		PolicyARNs:  r.PolicyARNs,
		Policy:      r.Policy,
		Duration:    r.Duration,
		Region:      f.Region,
		Endpoint:    f.EndpointURL,
	}
}

// environmentFingerprint is the Environment part of the key: the SDK's
// variables and its shared files, read within ctx. A shared file that is
// not a regular file (a FIFO), or cannot be read in time, is an
// *exchange.ConfigError: the SDK could not read it either.
func environmentFingerprint(ctx context.Context) (string, error) {
	var b strings.Builder
	for _, name := range sdkEnvironment {
		if v, ok := os.LookupEnv(name); ok {
			b.WriteString(name + "=" + v + "\x00")
		}
	}
	h, err := sdkFileHash(ctx, exchange.SharedFile(exchange.ConfigFileVar, "config"), nil)
	if err != nil {
		return "", err
	}
	b.WriteString("config=" + h)
	// The SDK merges the credentials file's profiles into the config
	// file's, so a region or endpoint_url there counts as well; its keys do
	// not (the web-identity call is unsigned, a hop is signed with the
	// previous hop's credentials), and write-credentials rewrites them.
	if h, err = sdkFileHash(ctx, exchange.SharedFile(exchange.CredentialsFileVar, "credentials"), withoutKeys); err != nil {
		return "", err
	} else if h != "" {
		b.WriteString("\x00credentials=" + h)
	}
	return b.String(), nil
}

// credentialKeys are the keys of the credentials file that hold
// credentials, which play no part in where the STS calls go.
var credentialKeys = []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token"}

// withoutKeys keeps of a credentials file only what can change where STS
// calls go: each setting that is not one of credentialKeys (however
// indented or spelled in case), under the header of its section. Comments,
// blank lines and sections that hold nothing else are dropped, so that
// write-credentials, which adds sections and rewrites keys, changes
// nothing here; nil when nothing is left.
func withoutKeys(b []byte) []byte {
	var out, header []byte
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line = b[:i+1]
		}
		b = b[len(line):]
		t := bytes.TrimSpace(line)
		switch {
		case len(t) == 0 || t[0] == '#' || t[0] == ';':
		case t[0] == '[':
			header = t
		case setsCredentialKey(line) || !bytes.ContainsAny(t, "=:"):
		default:
			if header != nil {
				out = append(append(out, header...), '\n')
				header = nil
			}
			out = append(append(out, t...), '\n')
		}
	}
	return out
}

func setsCredentialKey(line []byte) bool {
	name, _, ok := bytes.Cut(line, []byte("="))
	if !ok {
		name, _, ok = bytes.Cut(line, []byte(":"))
	}
	if !ok {
		return false
	}
	name = bytes.TrimSpace(name)
	for _, k := range credentialKeys {
		if bytes.EqualFold(name, []byte(k)) {
			return true
		}
	}
	return false
}

// sdkFileHash hashes one of the SDK's shared files, read within ctx and
// bounded in size (exchange.ReadSDKFile), after filter, when not nil; ""
// when there is none.
func sdkFileHash(ctx context.Context, f exchange.SDKFile, filter func([]byte) []byte) (string, error) {
	b, err := exchange.ReadSDKFile(ctx, f)
	if err != nil || b == nil {
		return "", err
	}
	if filter != nil {
		if b = filter(b); b == nil {
			return "", nil
		}
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}
