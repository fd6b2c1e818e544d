package teststs

import (
	"strings"
	"testing"
)

func TestStartErrors(t *testing.T) {
	if _, err := Start(Options{Roles: []Role{{}}}); err == nil {
		t.Error("a role without ARN was accepted")
	}
	if _, err := Start(Options{Roles: []Role{{ARN: DefaultRoleARN}, {ARN: DefaultRoleARN}}}); err == nil {
		t.Error("a duplicate role was accepted")
	}
	if _, err := Start(Options{Addr: "256.0.0.1:0"}); err == nil {
		t.Error("a bad address was accepted")
	}
	s := NewForTest(t, Options{Addr: "0.0.0.0:0"})
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || s.IssuerURL != s.URL+"/oidc" || s.Provider() != strings.TrimPrefix(s.URL, "http://")+"/oidc" {
		t.Errorf("URL %s, IssuerURL %s, Provider %s", s.URL, s.IssuerURL, s.Provider())
	}
}
