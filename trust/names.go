package trust

import (
	"fmt"
	"strings"

	"github.com/oidc-creds/oidc-creds/creds"
)

// NameError says that a name cannot be a name of its kind: the policy
// would trust nothing, or (with * or ?, which StringLike expands) more than
// that name.
type NameError struct {
	Kind string // e.g. "Pulumi project"
	Name string
	Rule string // what names of the kind are made of
}

func (e *NameError) Error() string {
	return fmt.Sprintf("%q is not a %s name: %s", creds.Clip(e.Name), e.Kind, e.Rule)
}

// nameRule is a kind of name: its length and the bytes it may hold.
type nameRule struct {
	kind, rule string
	max        int
	inner      string // allowed besides ASCII letters and digits
	alnumEnds  bool   // must start and end with a letter or digit
}

func (r nameRule) check(name string) error {
	ok := name != "" && len(name) <= r.max
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		ends := i == 0 || i == len(name)-1
		ok = alnum || strings.IndexByte(r.inner, c) >= 0 && !(r.alnumEnds && ends)
	}
	if !ok {
		return &NameError{Kind: r.kind, Name: name, Rule: r.rule}
	}
	return nil
}

// Pulumi Cloud's name rules: organizations (users) as the Pulumi CLI checks
// stack owners; projects and stacks as it checks them; ESC projects and
// environments ("alphanumeric characters, hyphens, underscores, and
// periods"). None holds *, ?, :, / or white space.
var (
	pulumiOrg     = nameRule{"Pulumi organization", "up to 40 letters, digits, '-' and '_', starting and ending with a letter or digit", 40, "-_", true}
	pulumiProject = nameRule{"Pulumi project", "1 to 100 letters, digits, '-', '_' and '.'", 100, "-_.", false}
	pulumiStack   = nameRule{"Pulumi stack", "1 to 100 letters, digits, '-', '_' and '.'", 100, "-_.", false}
	escProject    = nameRule{"Pulumi ESC project", "1 to 100 letters, digits, '-', '_' and '.'", 100, "-_.", false}
	escEnv        = nameRule{"Pulumi ESC environment", "1 to 100 letters, digits, '-', '_' and '.'", 100, "-_.", false}
)

// CheckPulumiOrg checks a Pulumi organization (or user) name.
func CheckPulumiOrg(name string) error { return pulumiOrg.check(name) }

// CheckPulumiProject checks a Pulumi IaC project name.
func CheckPulumiProject(name string) error { return pulumiProject.check(name) }

// CheckPulumiStack checks a Pulumi stack name (without org or project).
func CheckPulumiStack(name string) error { return pulumiStack.check(name) }
