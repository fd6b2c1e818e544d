package teststs

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

var (
	tagKeyRE   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValueRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// sessionTag is one member of Tags; hasKey and hasValue tell an absent
// field from an empty one.
type sessionTag struct {
	key, value       string
	hasKey, hasValue bool
}

// sessionTags collects Tags.member.N.Key and .Value in order of N.
func sessionTags(form url.Values) []sessionTag {
	var out []sessionTag
	for _, m := range listMembers(form, "Tags") {
		k, hasKey := m.fields["Key"]
		v, hasValue := m.fields["Value"]
		out = append(out, sessionTag{key: k, value: v, hasKey: hasKey, hasValue: hasValue})
	}
	return out
}

// transitiveTagKeys collects TransitiveTagKeys.member.N in order of N.
func transitiveTagKeys(form url.Values) []string {
	var out []string
	for _, m := range listMembers(form, "TransitiveTagKeys") {
		out = append(out, m.fields[""])
	}
	return out
}

// tags checks Tags and TransitiveTagKeys against the API model: at most 50
// of each, keys 1–128 and values 0–256 characters of letters, spaces,
// digits and _.:/=+-@.
func (c *checker) tags() {
	tags := sessionTags(c.form)
	for i, t := range tags {
		field := fmt.Sprintf("tags.%d.member.", i+1)
		if !t.hasKey {
			c.add("Value null at '%skey' failed to satisfy constraint: Member must not be null", field)
		} else {
			c.tagKey(field+"key", t.key)
		}
		if !t.hasValue {
			c.add("Value null at '%svalue' failed to satisfy constraint: Member must not be null", field)
		} else {
			c.length(field+"value", t.value, 0, 256, false)
			c.pattern(field+"value", t.value, tagValueRE, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		}
	}
	if len(tags) > 50 {
		descs := make([]string, len(tags))
		for i, t := range tags {
			descs[i] = "Tag(key=" + t.key + ", value=" + t.value + ")"
		}
		c.add("Value '[%s]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50", strings.Join(descs, ", "))
	}
	keys := transitiveTagKeys(c.form)
	for i, k := range keys {
		c.tagKey(fmt.Sprintf("transitiveTagKeys.%d.member", i+1), k)
	}
	if len(keys) > 50 {
		c.add("Value '[%s]' at 'transitiveTagKeys' failed to satisfy constraint: Member must have length less than or equal to 50", strings.Join(keys, ", "))
	}
}

func (c *checker) tagKey(field, k string) {
	c.length(field, k, 1, 128, false)
	if k != "" {
		c.pattern(field, k, tagKeyRE, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	}
}

// tagsSize is what session tags add to the emulated packed size: their
// characters, plus two per tag.
func tagsSize(tags []sessionTag) int {
	n := 0
	for _, t := range tags {
		n += len(t.key) + len(t.value) + 2
	}
	return n
}
