package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
}

// serve runs a server until ctx ends, after printing its State.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", teststs.DefaultAddr, "listen address")
	audience := fs.String("audience", teststs.DefaultAudience, "the accepted token audience (the provider's client ID)")
	var roles listFlag
	fs.Var(&roles, "role", "a `role` as ARN[=SUBPATTERN] (split at the first '='; no pattern means any subject); repeatable; default "+
		teststs.DefaultRoleARN+"="+teststs.DefaultSubPattern)
	maxSession := fs.Duration("max-session", 12*time.Hour, "MaxSessionDuration of every role")
	ttl := fs.Duration("credential-ttl", 0, "when >0, issued credentials expire after this instead of DurationSeconds")
	emptyARN := fs.Bool("empty-arn", false, "answer with an empty AssumedRoleUser Arn, as MinIO does")
	stateFile := fs.String("state-file", "", "also write the start-up JSON line to this `file`, atomically")
	verbose := fs.Bool("v", false, "log every STS request to stderr")
	if err := parse(fs, args); err != nil {
		return err
	}

	opts := teststs.Options{Addr: *addr, Audience: *audience, CredentialTTL: *ttl, EmptyAssumedRoleARN: *emptyARN}
	if len(roles) == 0 {
		roles = listFlag{teststs.DefaultRoleARN + "=" + teststs.DefaultSubPattern}
	}
	for _, r := range roles {
		arn, pattern, _ := strings.Cut(r, "=")
		opts.Roles = append(opts.Roles, teststs.Role{ARN: arn, SubPattern: pattern, MaxSessionDuration: *maxSession})
	}
	s, err := teststs.Start(opts)
	if err != nil {
		return err
	}
	defer s.Close()

	st := State{URL: s.URL, Issuer: s.IssuerURL, PID: os.Getpid(), Audience: s.Audience()}
	for _, r := range opts.Roles {
		st.Roles = append(st.Roles, r.ARN)
	}
	line, err := json.Marshal(st)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if *stateFile != "" {
		if err := writeFileAtomic(*stateFile, line); err != nil {
			return err
		}
		defer os.Remove(*stateFile)
	}
	if _, err := stdout.Write(line); err != nil {
		return err
	}

	if *verbose {
		go logRequests(ctx, s, stderr)
	}
	<-ctx.Done()
	return nil
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
			r := reqs[logged]
			fmt.Fprintf(w, "teststs: %s %s role=%s session=%s duration=%d sub=%q -> %s %s\n",
				r.Time.Format(time.RFC3339), r.Action, r.RoleARN, r.RoleSessionName, r.DurationSeconds, r.Subject, r.Outcome, r.AccessKeyID)
		}
	}
}

// writeFileAtomic writes data to a temporary file beside path and renames it
// into place, so a reader sees either nothing or the whole content.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
