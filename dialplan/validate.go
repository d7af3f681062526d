package dialplan

import (
	"fmt"
	"slices"
	"strings"
)

// maxInternal bounds internal numbers (extensions, slots, rooms) to 5 digits.
const maxInternal = 99999

// Validate checks every setting and every pair of settings that could
// overlap: ranges against each other and against outbound-prefixed external
// numbers, emergency numbers against slots, rooms, queues and ring groups,
// feature codes against each other (duplicates, a code shadowing another,
// an argument code swallowing a fixed one), in-call codes likewise, and
// queues and ring groups against the extension range. It returns the first
// problem found as a *PlanError naming the setting.
func (c Config) Validate() error {
	checks := []func() error{c.validateRanges, c.validatePrefixes, c.validateEmergency,
		c.validateGroups, c.validateCodes, c.validateInCall}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) namedRanges() []struct {
	name string
	r    Range
} {
	return []struct {
		name string
		r    Range
	}{{"extensions", c.Extensions}, {"parking", c.Parking}, {"conference", c.Conference}}
}

func (c Config) validateRanges() error {
	nr := c.namedRanges()
	for _, x := range nr {
		if x.r.Min < 10 || x.r.Max > maxInternal || x.r.Min > x.r.Max {
			return planErr(x.name, "range %v must be ordered and lie within 10-%d", x.r, maxInternal)
		}
	}
	for i := range nr {
		for j := i + 1; j < len(nr); j++ {
			if nr[i].r.overlaps(nr[j].r) {
				return planErr(nr[j].name, "range %v overlaps %s %v", nr[j].r, nr[i].name, nr[i].r)
			}
		}
	}
	return nil
}

func digitString(s string, minLen, maxLen int) bool {
	return len(s) >= minLen && len(s) <= maxLen && allDigits(s)
}

func (c Config) validatePrefixes() error {
	if !digitString(c.OutboundPrefix, 1, 3) {
		return planErr("outbound_prefix", "%q must be 1 to 3 digits", c.OutboundPrefix)
	}
	if c.MinExternalDigits < 1 || c.MinExternalDigits > 24 {
		return planErr("min_external_digits", "%d must lie within 1-24", c.MinExternalDigits)
	}
	if c.MaxExternalDigits < c.MinExternalDigits || c.MaxExternalDigits > 24 {
		return planErr("max_external_digits", "%d must lie within min_external_digits (%d) and 24",
			c.MaxExternalDigits, c.MinExternalDigits)
	}
	for _, x := range c.namedRanges() {
		if clash, ok := c.externalInside(x.r); ok {
			return planErr(x.name, "range %v contains %v, which are outbound prefix %q + an external number",
				x.r, clash, c.OutboundPrefix)
		}
	}
	if c.CountryCode != "" && (!digitString(c.CountryCode, 1, 3) || c.CountryCode[0] == '0') {
		return planErr("country_code", "%q must be 1 to 3 digits not starting with 0", c.CountryCode)
	}
	if c.NationalPrefix != "" && !digitString(c.NationalPrefix, 1, 2) {
		return planErr("national_prefix", "%q must be empty or 1 to 2 digits", c.NationalPrefix)
	}
	if c.InternationalPrefix != "" && !digitString(c.InternationalPrefix, 1, 4) {
		return planErr("international_prefix", "%q must be empty or 1 to 4 digits", c.InternationalPrefix)
	}
	if c.InternationalPrefix != "" && c.InternationalPrefix == c.NationalPrefix {
		return planErr("international_prefix", "%q equals national_prefix", c.InternationalPrefix)
	}
	if c.AreaCode != "" {
		if c.CountryCode == "" {
			return planErr("area_code", "%q needs a country_code", c.AreaCode)
		}
		if !digitString(c.AreaCode, 1, 5) || (c.NationalPrefix != "" && strings.HasPrefix(c.AreaCode, c.NationalPrefix)) {
			return planErr("area_code", "%q must be 1 to 5 digits without the national prefix", c.AreaCode)
		}
	}
	return nil
}

// externalInside reports the numbers of r that would also read as outbound
// prefix + an external number of at least MinExternalDigits digits.
func (c Config) externalInside(r Range) (Range, bool) {
	p, ok := parseInternal(c.OutboundPrefix)
	if !ok { // a prefix with a leading zero never starts an internal number
		return Range{}, false
	}
	lp := len(c.OutboundPrefix)
	for length := len(fmt.Sprint(r.Min)); length <= len(fmt.Sprint(r.Max)); length++ {
		rest := length - lp
		if rest < c.MinExternalDigits {
			continue
		}
		scale := 1
		for range rest {
			scale *= 10
		}
		ext := Range{p * scale, (p+1)*scale - 1}
		if ext.overlaps(r) {
			return Range{max(ext.Min, r.Min), min(ext.Max, r.Max)}, true
		}
	}
	return Range{}, false
}

func (c Config) validateEmergency() error {
	for i, e := range c.Emergency {
		setting := fmt.Sprintf("emergency[%d]", i)
		if !digitString(e, 2, 6) {
			return planErr(setting, "%q must be 2 to 6 digits", e)
		}
		if slices.Index(c.Emergency, e) != i {
			return planErr(setting, "%s is listed twice", e)
		}
		if n, ok := parseInternal(e); ok {
			if c.Parking.contains(n) {
				return planErr(setting, "%s is a parking slot (parking %v)", e, c.Parking)
			}
			if c.Conference.contains(n) {
				return planErr(setting, "%s is a conference room (conference %v)", e, c.Conference)
			}
		}
	}
	return nil
}

func (c Config) validateGroups() error {
	seen := map[string]string{}
	lists := []struct {
		name string
		nums []string
	}{{"queues", c.Queues}, {"ring_groups", c.RingGroups}}
	for _, l := range lists {
		for i, num := range l.nums {
			setting := fmt.Sprintf("%s[%d]", l.name, i)
			n, ok := parseInternal(num)
			if !ok || !c.Extensions.contains(n) {
				return planErr(setting, "%q must be a number of the extension range %v", num, c.Extensions)
			}
			if slices.Contains(c.Emergency, num) {
				return planErr(setting, "%s is an emergency number", num)
			}
			if other, dup := seen[num]; dup {
				return planErr(setting, "%s is already %s", num, other)
			}
			seen[num] = setting
		}
	}
	return nil
}

func validCodeString(code string) bool {
	if len(code) < 2 || len(code) > 8 || code[0] != '*' {
		return false
	}
	for i := 1; i < len(code); i++ {
		if (code[i] < '0' || code[i] > '9') && code[i] != '*' {
			return false
		}
	}
	return true
}

func (c Config) validateCodes() error {
	for id := range c.Codes {
		if _, ok := specOf(id); !ok {
			return planErr("codes."+string(id), "unknown feature code id")
		}
	}
	eff := c.effectiveCodes()
	type entry struct {
		code string
		spec codeSpec
	}
	var list []entry
	for _, s := range codeTable { // catalogue order keeps the error deterministic
		code, ok := eff[s.id]
		if !ok {
			continue
		}
		if !validCodeString(code) {
			return planErr("codes."+string(s.id), "%q must be '*' and then 1 to 7 digits or '*'", code)
		}
		list = append(list, entry{code, s})
	}
	for i, a := range list {
		for _, b := range list[:i] {
			if a.code == b.code {
				return planErr("codes."+string(a.spec.id), "%q is also the code of %s", a.code, b.spec.id)
			}
		}
		for _, b := range list {
			if b.spec.arg == argNone || b.code == a.code || !strings.HasPrefix(a.code, b.code) {
				continue
			}
			// b takes an argument and a starts with b.
			if a.spec.arg != argNone {
				return planErr("codes."+string(a.spec.id), "%q starts with %q of %s, which takes an argument",
					a.code, b.code, b.spec.id)
			}
			if rest := a.code[len(b.code):]; c.acceptsArg(b.spec.arg, rest) {
				return planErr("codes."+string(a.spec.id), "%q collides with %s %q + %s %s",
					a.code, b.spec.id, b.code, b.spec.arg, rest)
			}
		}
	}
	return nil
}

// acceptsArg reports whether rest could be a valid argument of that kind
// for some caller; used to find fixed codes an argument code would swallow.
func (c Config) acceptsArg(kind argKind, rest string) bool {
	if !allDigits(rest) || rest == "" {
		return false
	}
	switch kind {
	case argExtension, argQueue:
		n, ok := parseInternal(rest)
		return ok && c.Extensions.contains(n) && !slices.Contains(c.Emergency, rest)
	case argTarget:
		if n, ok := parseInternal(rest); ok && c.Extensions.contains(n) {
			return true
		}
		pre := c.OutboundPrefix
		return strings.HasPrefix(rest, pre) && len(rest)-len(pre) >= c.MinExternalDigits
	case argWakeup:
		_, _, _, _, err := ParseWakeup(rest)
		return err == nil
	}
	return false
}

func (c Config) validateInCall() error {
	for id := range c.InCall {
		known := false
		for _, s := range inCallTable {
			known = known || s.id == id
		}
		if !known {
			return planErr("in_call."+string(id), "unknown in-call code id")
		}
	}
	eff := c.effectiveInCall()
	var ids []InCallID
	for _, s := range inCallTable {
		if eff[s.id] != "" {
			ids = append(ids, s.id)
		}
	}
	for i, id := range ids {
		code := eff[id]
		if !validInCall(code) {
			return planErr("in_call."+string(id), "%q must be '*' or '#' and then up to 3 of 0-9 * #", code)
		}
		for _, other := range ids[:i] {
			oc := eff[other]
			if strings.HasPrefix(code, oc) || strings.HasPrefix(oc, code) {
				return planErr("in_call."+string(id), "%q and %q of %s: one starts the other, so neither could fire at once",
					code, oc, other)
			}
		}
	}
	return nil
}

func validInCall(code string) bool {
	if len(code) < 1 || len(code) > 4 || (code[0] != '*' && code[0] != '#') {
		return false
	}
	for i := 1; i < len(code); i++ {
		ch := code[i]
		if (ch < '0' || ch > '9') && ch != '*' && ch != '#' {
			return false
		}
	}
	return true
}
