package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// State is what serve prints and writes to --state-file.
type State struct {
	URL      string   `json:"url"`
	Issuer   string   `json:"issuer"`
	PID      int      `json:"pid"`
	Audience string   `json:"audience"`
	Roles    []string `json:"roles"`
	// Audiences are all the accepted audiences, Audience first.
	Audiences []string `json:"audiences"`
	// FederationURL is the console sign-in federation endpoint.
	FederationURL string `json:"federationURL"`
	// GitHubTokenURL and GitHubRequestToken are ACTIONS_ID_TOKEN_REQUEST_URL
	// and ACTIONS_ID_TOKEN_REQUEST_TOKEN.
	GitHubTokenURL     string `json:"githubTokenURL"`
	GitHubRequestToken string `json:"githubRequestToken"`
	// AzureOIDCRequestURI and AzureAccessToken are SYSTEM_OIDCREQUESTURI and
	// SYSTEM_ACCESSTOKEN; AzureServiceConnectionID is the first service
	// connection (--azure-connection, or the default one).
	AzureOIDCRequestURI      string `json:"azureOIDCRequestURI"`
	AzureAccessToken         string `json:"azureAccessToken"`
	AzureServiceConnectionID string `json:"azureServiceConnectionID"`
}

// serveFlags are the flags of serve.
type serveFlags struct {
	addr, stateFile                       string
	audiences, roles, assumableBy, extIDs listFlag
	maxSession, ttl                       time.Duration
	emptyARN, verbose                     bool
	github                                teststs.GitHubOptions
	azure                                 teststs.AzureOptions
	azureConns                            listFlag
}

func (f *serveFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", teststs.DefaultAddr, "listen address")
	fs.Var(&f.audiences, "audience", "an accepted token `audience` (a client ID of the provider); repeatable, the first is the default aud "+
		"of minted tokens and roles; default "+teststs.DefaultAudience)
	fs.Var(&f.roles, "role", "a `role` as ARN[=SUBPATTERN] (split at the first '='; no pattern means any subject); repeatable; default "+
		teststs.DefaultRoleARN+"="+teststs.DefaultSubPattern)
	fs.Var(&f.assumableBy, "assumable-by", "`TARGET=SOURCE[,SOURCE]...`: sessions of the SOURCE roles may sts:AssumeRole the role TARGET "+
		"(added, without web-identity trust, when not a --role); repeatable")
	fs.Var(&f.extIDs, "external-id", "`TARGET=ID`: AssumeRole of TARGET requires ExternalId ID; repeatable")
	fs.DurationVar(&f.maxSession, "max-session", 12*time.Hour, "MaxSessionDuration of every role")
	fs.DurationVar(&f.ttl, "credential-ttl", 0, "when >0, issued credentials expire after this instead of DurationSeconds")
	fs.BoolVar(&f.emptyARN, "empty-arn", false, "answer with an empty AssumedRoleUser Arn, as MinIO does")
	fs.StringVar(&f.stateFile, "state-file", "", "also write the start-up JSON line to this `file`, atomically")
	fs.BoolVar(&f.verbose, "v", false, "log every STS request to stderr")
	fs.StringVar(&f.github.Repository, "github-repo", teststs.DefaultGitHubRepository, "`OWNER/REPO` of the GitHub Actions tokens")
	fs.StringVar(&f.github.Subject, "github-sub", "", "sub of the GitHub Actions tokens (default repo:OWNER/REPO:ref:refs/heads/main)")
	fs.StringVar(&f.azure.Organization, "azure-org", teststs.DefaultAzureOrganization, "organization of the Azure DevOps tokens' sub")
	fs.StringVar(&f.azure.Project, "azure-project", teststs.DefaultAzureProject, "project of the Azure DevOps tokens' sub")
	fs.StringVar(&f.azure.Audience, "azure-audience", teststs.DefaultAzureAudience, "aud of the Azure DevOps tokens")
	fs.Var(&f.azureConns, "azure-connection", "an Azure DevOps service connection `ID=NAME` (sub sc://ORG/PROJECT/NAME); repeatable; default "+
		teststs.DefaultAzureServiceConnectionID+"="+teststs.DefaultAzureServiceConnectionName)
}

// options turns the flags into server options.
func (f *serveFlags) options() (teststs.Options, error) {
	opts := teststs.Options{Addr: f.addr, CredentialTTL: f.ttl, EmptyAssumedRoleARN: f.emptyARN, GitHub: f.github, Azure: f.azure}
	if len(f.audiences) > 0 {
		opts.Audience, opts.Audiences = f.audiences[0], f.audiences[1:]
	}
	for _, c := range f.azureConns {
		id, name, ok := strings.Cut(c, "=")
		if !ok || id == "" || name == "" {
			return opts, fmt.Errorf("--azure-connection wants ID=NAME, got %q", c)
		}
		if opts.Azure.Connections == nil {
			opts.Azure.Connections = map[string]string{}
		}
		opts.Azure.Connections[id] = name
	}
	roles := f.roles
	if len(roles) == 0 {
		roles = listFlag{teststs.DefaultRoleARN + "=" + teststs.DefaultSubPattern}
	}
	index := map[string]int{}
	for _, r := range roles {
		arn, pattern, _ := strings.Cut(r, "=")
		index[arn] = len(opts.Roles)
		opts.Roles = append(opts.Roles, teststs.Role{ARN: arn, SubPattern: pattern, MaxSessionDuration: f.maxSession})
	}
	for _, a := range f.assumableBy {
		target, sources, ok := strings.Cut(a, "=")
		if !ok || target == "" || sources == "" {
			return opts, fmt.Errorf("--assumable-by wants TARGET=SOURCE[,SOURCE]..., got %q", a)
		}
		i, known := index[target]
		if !known {
			i, index[target] = len(opts.Roles), len(opts.Roles)
			opts.Roles = append(opts.Roles, teststs.Role{ARN: target, NoWebIdentity: true, MaxSessionDuration: f.maxSession})
		}
		opts.Roles[i].TrustedRoles = append(opts.Roles[i].TrustedRoles, strings.Split(sources, ",")...)
	}
	for _, e := range f.extIDs {
		target, id, ok := strings.Cut(e, "=")
		i, known := index[target]
		if !ok || !known {
			return opts, fmt.Errorf("--external-id wants TARGET=ID with TARGET a --role or --assumable-by role, got %q", e)
		}
		opts.Roles[i].ExternalID = id
	}
	return opts, nil
}

// serve runs a server until ctx ends, after printing its State.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var f serveFlags
	f.declare(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := f.options()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return errUsage
	}
	s, err := teststs.Start(opts)
	if err != nil {
		return err
	}
	defer s.Close()

	line, err := json.Marshal(newState(s, opts, f.azureConns))
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if f.stateFile != "" {
		if err := writeFileAtomic(f.stateFile, line); err != nil {
			return err
		}
		defer os.Remove(f.stateFile)
	}
	if _, err := stdout.Write(line); err != nil {
		return err
	}
	if f.verbose {
		go logRequests(ctx, s, stderr)
	}
	<-ctx.Done()
	return nil
}

// newState describes a running server.
func newState(s *teststs.Server, opts teststs.Options, azureConns []string) State {
	st := State{URL: s.URL, Issuer: s.IssuerURL, PID: os.Getpid(), Audience: s.Audience(), Audiences: s.Audiences(),
		FederationURL:  s.FederationURL,
		GitHubTokenURL: s.GitHubTokenURL, GitHubRequestToken: s.GitHubRequestToken,
		AzureOIDCRequestURI: s.AzureOIDCRequestURI, AzureAccessToken: s.AzureAccessToken,
		AzureServiceConnectionID: teststs.DefaultAzureServiceConnectionID,
	}
	if len(azureConns) > 0 {
		st.AzureServiceConnectionID, _, _ = strings.Cut(azureConns[0], "=")
	}
	for _, r := range opts.Roles {
		st.Roles = append(st.Roles, r.ARN)
	}
	return st
}

// logRequests prints each STS request once it has been answered.
func logRequests(ctx context.Context, s *teststs.Server, w io.Writer) {
	logged := 0
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		reqs := s.Requests()
		if len(reqs) < logged {
			logged = 0 // reset
		}
		for ; logged < len(reqs) && reqs[logged].Outcome != "pending"; logged++ {
			logRequest(w, reqs[logged])
		}
	}
}

// logRequest prints one answered STS request: never a secret.
func logRequest(w io.Writer, r teststs.Request) {
	who := fmt.Sprintf("sub=%q", r.Subject)
	if r.Action == teststs.ActionAssumeRole {
		who = "caller=" + r.Caller
		if r.Caller == "" {
			who = "caller-key=" + r.CallerAccessKeyID
		}
	}
	fmt.Fprintf(w, "teststs: %s %s role=%s session=%s duration=%d %s -> %s %s\n",
		r.Time.Format(time.RFC3339), r.Action, r.RoleARN, r.RoleSessionName, r.DurationSeconds, who, r.Outcome, r.AccessKeyID)
}
