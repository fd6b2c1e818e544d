package teststs

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// packedPolicyLimit is the emulated packed-policy budget in bytes.
const packedPolicyLimit = 1024

var (
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]*$`) // RoleSessionName and SourceIdentity
	policyRE      = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+$`)
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
)

// listMember is one member of an awsQuery list: LIST.member.N for a list
// of strings (field ""), LIST.member.N.FIELD for a list of structures.
type listMember struct {
	n      int
	fields map[string]string
}

// listMembers collects the members of an awsQuery list in order of N.
func listMembers(form url.Values, list string) []listMember {
	byN := map[int]map[string]string{}
	for k, v := range form {
		rest, ok := strings.CutPrefix(k, list+".member.")
		if !ok || len(v) == 0 {
			continue
		}
		num, field, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil {
			continue
		}
		if byN[n] == nil {
			byN[n] = map[string]string{}
		}
		byN[n][field] = v[0]
	}
	out := make([]listMember, 0, len(byN))
	for n, fields := range byN {
		out = append(out, listMember{n, fields})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n < out[j].n })
	return out
}

// policyARNs collects PolicyArns.member.N.arn in order of N.
func policyARNs(form url.Values) []string {
	var out []string
	for _, m := range listMembers(form, "PolicyArns") {
		if arn, ok := m.fields["arn"]; ok {
			out = append(out, arn)
		}
	}
	return out
}

// checker collects violations of the STS API model's input limits in AWS's
// wording.
type checker struct {
	form     url.Values
	problems []string
}

func (c *checker) add(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// length checks a value's length in characters; a sensitive value is not echoed.
func (c *checker) length(field, v string, minLen, maxLen int, sensitive bool) {
	shown := "Value '" + v + "'"
	if sensitive {
		shown = "Value"
	}
	n := utf8.RuneCountInString(v)
	if n < minLen {
		c.add("%s at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", shown, field, minLen)
	}
	if n > maxLen {
		c.add("%s at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", shown, field, maxLen)
	}
}

// required checks that param is present and its length; ok is false when absent.
func (c *checker) required(param, field string, minLen, maxLen int, sensitive bool) (v string, ok bool) {
	if !c.form.Has(param) {
		c.add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
		return "", false
	}
	v = c.form.Get(param)
	c.length(field, v, minLen, maxLen, sensitive)
	return v, true
}

// pattern checks v against re, named in the message as shown.
func (c *checker) pattern(field, v string, re *regexp.Regexp, shown string) {
	if !re.MatchString(v) {
		c.add("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, field, shown)
	}
}

func (c *checker) roleAndSession() {
	c.required("RoleArn", "roleArn", 20, 2048, false)
	if name, ok := c.required("RoleSessionName", "roleSessionName", 2, 64, false); ok {
		c.pattern("roleSessionName", name, sessionNameRE, `[\w+=,.@-]*`)
	}
}

func (c *checker) sessionPolicies() {
	arns := policyARNs(c.form)
	for i, arn := range arns {
		c.length(fmt.Sprintf("policyArns.%d.member.arn", i+1), arn, 20, 2048, false)
	}
	if len(arns) > 10 {
		descs := make([]string, len(arns))
		for i, arn := range arns {
			descs[i] = "PolicyDescriptorType(arn=" + arn + ")"
		}
		c.add("Value '[%s]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10", strings.Join(descs, ", "))
	}
	if c.form.Has("Policy") {
		p := c.form.Get("Policy")
		c.length("policy", p, 1, 2048, false)
		if p != "" {
			c.pattern("policy", p, policyRE, `[\u0009\u000A\u000D\u0020-\u00FF]+`)
		}
	}
}

func (c *checker) duration() {
	if !c.form.Has("DurationSeconds") {
		return
	}
	v := c.form.Get("DurationSeconds")
	d, err := strconv.Atoi(v)
	switch {
	case err != nil:
		c.add("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be an integer", v)
	case d < 900:
		c.add("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", d)
	case d > 43200:
		c.add("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", d)
	}
}

// optional checks an optional parameter's length and pattern.
func (c *checker) optional(param, field string, minLen, maxLen int, re *regexp.Regexp, shown string) {
	if !c.form.Has(param) {
		return
	}
	v := c.form.Get(param)
	c.length(field, v, minLen, maxLen, false)
	c.pattern(field, v, re, shown)
}

// validate checks the input limits of AssumeRoleWithWebIdentity and returns
// the violations in AWS's wording.
func validate(form url.Values) []string {
	c := &checker{form: form}
	c.roleAndSession()
	c.required("WebIdentityToken", "webIdentityToken", 4, 20000, true)
	c.sessionPolicies()
	c.duration()
	return c.problems
}

// validateAssumeRole checks the input limits of AssumeRole and returns the
// violations in AWS's wording. SerialNumber, TokenCode (MFA) and
// ProvidedContexts are not emulated and go unchecked.
func validateAssumeRole(form url.Values) []string {
	c := &checker{form: form}
	c.roleAndSession()
	c.sessionPolicies()
	c.duration()
	c.optional("ExternalId", "externalId", 2, 1224, externalIDRE, `[\w+=,.@:\/-]*`)
	c.optional("SourceIdentity", "sourceIdentity", 2, 64, sessionNameRE, `[\w+=,.@-]*`)
	c.tags()
	return c.problems
}

func validationError(problems []string) *stsError {
	plural := "s"
	if len(problems) == 1 {
		plural = ""
	}
	return senderError(http.StatusBadRequest, "ValidationError",
		fmt.Sprintf("%d validation error%s detected: %s", len(problems), plural, strings.Join(problems, "; ")))
}

// checkPackedPolicy checks the session policies and tags
// (MalformedPolicyDocument, PackedPolicyTooLarge) and returns the
// PackedPolicySize to answer: nil when none was given.
func checkPackedPolicy(form url.Values, arns []string, tags []sessionTag) (*int, *stsError) {
	if !form.Has("Policy") && len(arns) == 0 && len(tags) == 0 {
		return nil, nil
	}
	if form.Has("Policy") {
		var doc map[string]any
		if err := json.Unmarshal([]byte(form.Get("Policy")), &doc); err != nil || doc == nil {
			return nil, senderError(http.StatusBadRequest, "MalformedPolicyDocument", "The policy is not in the valid JSON format.")
		}
	}
	pct := packedPolicyPercent(form.Get("Policy"), arns, tagsSize(tags))
	if pct > 100 {
		return nil, senderError(http.StatusBadRequest, "PackedPolicyTooLarge",
			fmt.Sprintf("Packed policy consumes %d%% of allotted space, please use smaller policy for session.", pct))
	}
	return &pct, nil
}

// packedPolicyPercent emulates how much of the packed-policy budget the
// session policies and extra bytes (of tags) use (see the package
// documentation).
func packedPolicyPercent(policy string, arns []string, extra int) int {
	size := 16*len(arns) + extra
	if policy != "" {
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(policy)); err != nil {
			compact.Reset()
			compact.WriteString(policy)
		}
		var z bytes.Buffer
		fw, _ := flate.NewWriter(&z, flate.BestCompression)
		_, _ = fw.Write(compact.Bytes())
		_ = fw.Close()
		size += z.Len()
	}
	return (size*100 + packedPolicyLimit - 1) / packedPolicyLimit
}
