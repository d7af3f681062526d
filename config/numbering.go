package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Range is an inclusive range of numbers of one digit count, written
// "100-899" in YAML, environment variables and flags.
type Range struct {
	// From is the first number of the range.
	From int
	// To is the last number of the range.
	To int
}

// String writes the range as "From-To".
func (r Range) String() string { return fmt.Sprintf("%d-%d", r.From, r.To) }

// MarshalText writes the range as "From-To".
func (r Range) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads "From-To" (e.g. "100-899").
func (r *Range) UnmarshalText(b []byte) error {
	from, to, ok := strings.Cut(strings.TrimSpace(string(b)), "-")
	if !ok {
		return fmt.Errorf("%q is not a range like 100-899", b)
	}
	f, err1 := strconv.Atoi(strings.TrimSpace(from))
	t, err2 := strconv.Atoi(strings.TrimSpace(to))
	if err1 != nil || err2 != nil || f < 0 || t < 0 {
		return fmt.Errorf("%q is not a range like 100-899", b)
	}
	r.From, r.To = f, t
	return nil
}

// Contains reports whether the dialled number s lies in the range; the
// number must have the range's digit count ("0101" is not in 100-899).
func (r Range) Contains(s string) bool {
	n, err := strconv.Atoi(s)
	if err != nil || s == "" || s[0] == '+' || s[0] == '-' {
		return false
	}
	return len(s) == r.digits() && n >= r.From && n <= r.To
}

// overlaps reports whether two ranges share a number.
func (r Range) overlaps(o Range) bool { return r.From <= o.To && o.From <= r.To }

func (r Range) digits() int { return len(strconv.Itoa(r.From)) }

// IsEmergency reports whether s is one of the emergency numbers.
func (n Numbering) IsEmergency(s string) bool { return slices.Contains(n.EmergencyNumbers, s) }

// IsExtension reports whether s may be an extension number: inside the
// extension range and not an emergency number.
func (n Numbering) IsExtension(s string) bool {
	return n.Extensions.Contains(s) && !n.IsEmergency(s)
}

// validate checks the plan for well-formed ranges and overlaps.
func (n Numbering) validate() error {
	if err := checkRange("numbering.extensions", n.Extensions, 3, 4); err != nil {
		return err
	}
	for _, r := range []struct {
		key string
		r   Range
	}{{"numbering.parking", n.Parking}, {"numbering.conference", n.Conference}} {
		if r.r.overlaps(n.Extensions) {
			return invalid(r.key, "%s overlaps numbering.extensions %s", r.r, n.Extensions)
		}
		if err := checkRange(r.key, r.r, 2, 2); err != nil {
			return err
		}
	}
	if n.Parking.overlaps(n.Conference) {
		return invalid("numbering.parking", "%s overlaps numbering.conference %s", n.Parking, n.Conference)
	}
	if !isDigits(n.OutboundPrefix) {
		return invalid("numbering.outbound_prefix", "%q must be one or more digits", n.OutboundPrefix)
	}
	// Numbers are dialled whole, so only numbers of the same length can be
	// confused: an extension must not read as prefix + a 3-digit number.
	if p, d := n.OutboundPrefix, n.Extensions.digits(); d >= len(p)+3 {
		if lo, hi := prefixSpan(p, d); n.Extensions.overlaps(Range{From: lo, To: hi}) {
			return invalid("numbering.extensions", "%s contains numbers starting with the outbound prefix %q", n.Extensions, p)
		}
	}
	if len(n.EmergencyNumbers) == 0 {
		return invalid("numbering.emergency_numbers", "at least one emergency number is required")
	}
	for _, e := range n.EmergencyNumbers {
		switch {
		case !isDigits(e):
			return invalid("numbering.emergency_numbers", "%q is not a number", e)
		case n.Parking.Contains(e):
			return invalid("numbering.emergency_numbers", "%s lies inside the parking range %s", e, n.Parking)
		case n.Conference.Contains(e):
			return invalid("numbering.emergency_numbers", "%s lies inside the conference range %s", e, n.Conference)
		case n.Extensions.From == n.Extensions.To && n.Extensions.Contains(e):
			return invalid("numbering.emergency_numbers", "%s is the only number of the extension range %s", e, n.Extensions)
		}
	}
	if n.CountryCode != "" && (!isDigits(n.CountryCode) || len(n.CountryCode) > 3 || n.CountryCode[0] == '0') {
		return invalid("numbering.country_code", "%q is not a country calling code (1-3 digits, e.g. 49)", n.CountryCode)
	}
	for _, p := range []struct{ key, v string }{
		{"numbering.national_prefix", n.NationalPrefix},
		{"numbering.international_prefix", n.InternationalPrefix},
		{"numbering.area_code", n.AreaCode},
	} {
		if p.v != "" && !isDigits(p.v) {
			return invalid(p.key, "%q must be digits or empty", p.v)
		}
	}
	return nil
}

// prefixSpan is the range of numbers with the given digit count that start
// with prefix p.
func prefixSpan(p string, digits int) (int, int) {
	lo, _ := strconv.Atoi(p + strings.Repeat("0", digits-len(p)))
	hi, _ := strconv.Atoi(p + strings.Repeat("9", digits-len(p)))
	return lo, hi
}

func checkRange(key string, r Range, minDigits, maxDigits int) error {
	if r.From > r.To {
		return invalid(key, "%s starts after it ends", r)
	}
	d := r.digits()
	if d != len(strconv.Itoa(r.To)) || d < minDigits || d > maxDigits {
		if minDigits == maxDigits {
			return invalid(key, "%s must use exactly %d digits", r, minDigits)
		}
		return invalid(key, "%s must use %d to %d digits, the same at both ends", r, minDigits, maxDigits)
	}
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
