// Package dialplan is the numbering plan of Switchboard: it turns a dialled
// string and the caller's context into a route (extension, ring group, queue,
// external number, emergency number, feature code, parking slot, conference
// room), matches in-call codes digit by digit, brings external numbers to one
// canonical form and builds Asterisk dial strings from validated digits only.
//
// How overlaps are resolved. A dialled string is matched in this order, and
// Config.Validate refuses any plan in which the order would matter:
//
//  1. A string starting with '*' is a feature code. Codes without an argument
//     must equal the whole string (closing '#' removed); they win over codes
//     with an argument, which match as the longest prefix followed by digits.
//     So **11#..**13# (announce) win over **<ext># (pickup); Validate refuses a
//     plan in which a fixed code equals an argument code plus a valid argument
//     (e.g. **11 when 11 is an extension number), and an argument code that
//     is the prefix of another code.
//  2. Emergency numbers, as dialled or after the outbound prefix. Emergency
//     numbers inside the extension range are carved out of it: 112 is never an
//     extension (CheckExtensionNumber refuses it).
//  3. Queue and ring-group numbers (taken from the extension range).
//  4. Extensions, conference rooms, parking slots: disjoint ranges (Validate).
//  5. Outbound prefix + external number; Validate refuses ranges holding
//     numbers that also read as prefix + an external number (9000-9999).
//
// It is pure code: no I/O, no clock, no other package of the project.
package dialplan

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Range is an inclusive range of internal numbers. Internal numbers are
// written without leading zeros, so 41-49 means the two-digit strings "41".."49".
type Range struct {
	Min int `yaml:"min" json:"min"`
	Max int `yaml:"max" json:"max"`
}

func (r Range) contains(n int) bool   { return n >= r.Min && n <= r.Max }
func (r Range) overlaps(o Range) bool { return r.Min <= o.Max && o.Min <= r.Max }

// String formats the range as "min-max".
func (r Range) String() string { return strconv.Itoa(r.Min) + "-" + strconv.Itoa(r.Max) }

// Config holds every setting of the numbering plan. DefaultConfig gives the
// defaults of FEATURES.md; New validates a Config and compiles it into a Plan.
type Config struct {
	// Extensions is the range of extension numbers (default 100-899). Emergency
	// numbers inside it are never extensions (112 is carved out).
	Extensions Range `yaml:"extensions" json:"extensions"`
	// Parking is the range of parking slots (default 41-49).
	Parking Range `yaml:"parking" json:"parking"`
	// Conference is the range of conference rooms (default 90-99).
	Conference Range `yaml:"conference" json:"conference"`
	// OutboundPrefix is dialled before an external number (default "9").
	OutboundPrefix string `yaml:"outbound_prefix" json:"outbound_prefix"`
	// MinExternalDigits is the shortest external number after the prefix (default 3).
	MinExternalDigits int `yaml:"min_external_digits" json:"min_external_digits"`
	// MaxExternalDigits is the longest external number after the prefix (default 20).
	MaxExternalDigits int `yaml:"max_external_digits" json:"max_external_digits"`
	// Emergency lists the emergency numbers (default 112, 911): always allowed,
	// with or without the outbound prefix, and never extensions.
	Emergency []string `yaml:"emergency" json:"emergency"`
	// Codes overrides feature codes (without the closing '#'); codes not named
	// keep their default; an empty string disables a code.
	Codes map[CodeID]string `yaml:"codes" json:"codes"`
	// InCall overrides in-call codes; an empty string disables one.
	InCall map[InCallID]string `yaml:"in_call" json:"in_call"`
	// Queues lists the numbers, inside Extensions, that are queues.
	Queues []string `yaml:"queues" json:"queues"`
	// RingGroups lists the numbers, inside Extensions, that are ring groups.
	RingGroups []string `yaml:"ring_groups" json:"ring_groups"`
	// CountryCode makes canonical numbers E.164 ("49", "1"); empty keeps
	// national numbers as dialled.
	CountryCode string `yaml:"country_code" json:"country_code"`
	// NationalPrefix is the national trunk prefix ("0"; "1" in NANP; may be empty).
	NationalPrefix string `yaml:"national_prefix" json:"national_prefix"`
	// InternationalPrefix is dialled before a country code ("00"; "011" in NANP).
	InternationalPrefix string `yaml:"international_prefix" json:"international_prefix"`
	// AreaCode, when set, is put in front of numbers dialled without the
	// national prefix (local numbers); when empty such numbers are taken as
	// complete national numbers (NANP 10-digit dialling).
	AreaCode string `yaml:"area_code" json:"area_code"`
}

// DefaultConfig returns the numbering plan of FEATURES.md: extensions
// 100-899, parking 41-49, rooms 90-99, prefix 9, emergency 112 and 911,
// every feature and in-call code at its default, no country code.
func DefaultConfig() Config {
	return Config{
		Extensions:          Range{100, 899},
		Parking:             Range{41, 49},
		Conference:          Range{90, 99},
		OutboundPrefix:      "9",
		MinExternalDigits:   3,
		MaxExternalDigits:   20,
		Emergency:           []string{"112", "911"},
		NationalPrefix:      "0",
		InternationalPrefix: "00",
	}
}

// ErrInvalidPlan is wrapped by every error of Config.Validate and New.
var ErrInvalidPlan = errors.New("dialplan: invalid numbering plan")

// PlanError names the setting that makes a Config invalid and why.
type PlanError struct {
	// Setting is the offending setting, e.g. "codes.FC-DND-ON" or "parking".
	Setting string
	// Problem says what is wrong with it.
	Problem string
}

// Error reports the setting and the problem.
func (e *PlanError) Error() string {
	return fmt.Sprintf("%v: %s: %s", ErrInvalidPlan, e.Setting, e.Problem)
}

// Unwrap lets errors.Is(err, ErrInvalidPlan) hold.
func (e *PlanError) Unwrap() error { return ErrInvalidPlan }

func planErr(setting, format string, args ...any) error {
	return &PlanError{Setting: setting, Problem: fmt.Sprintf(format, args...)}
}

// Plan is a validated, compiled numbering plan. It is immutable and safe for
// concurrent use; to change queues or codes, build a new one with New.
type Plan struct {
	cfg       Config
	codes     map[CodeID]string // effective feature codes, disabled ones absent
	exact     map[string]CodeID // codes without argument
	withArg   []argCode         // codes with argument, longest first
	emergency []string          // few: a scan beats a map
	groups    map[string]Kind   // queue and ring-group numbers
	inCall    []inCallCode
}

type argCode struct {
	code string
	spec codeSpec
}

type inCallCode struct {
	code string
	id   InCallID
}

// New validates cfg and compiles it into a Plan.
func New(cfg Config) (*Plan, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Plan{
		cfg:       cfg.clone(),
		codes:     cfg.effectiveCodes(),
		exact:     map[string]CodeID{},
		emergency: slices.Clone(cfg.Emergency),
		groups:    map[string]Kind{},
	}
	for _, s := range codeTable {
		code, ok := p.codes[s.id]
		if !ok {
			continue
		}
		if s.arg == argNone {
			p.exact[code] = s.id
		} else {
			p.withArg = append(p.withArg, argCode{code: code, spec: s})
		}
	}
	slices.SortStableFunc(p.withArg, func(a, b argCode) int { return len(b.code) - len(a.code) })
	for _, q := range cfg.Queues {
		p.groups[q] = KindQueue
	}
	for _, g := range cfg.RingGroups {
		p.groups[g] = KindRingGroup
	}
	inCall := cfg.effectiveInCall()
	for _, s := range inCallTable {
		if code := inCall[s.id]; code != "" {
			p.inCall = append(p.inCall, inCallCode{code: code, id: s.id})
		}
	}
	return p, nil
}

// MustNew is New for plans known to be valid (tests, defaults); it panics on error.
func MustNew(cfg Config) *Plan {
	p, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return p
}

// Config returns a copy of the settings the plan was built from.
func (p *Plan) Config() Config { return p.cfg.clone() }

// Code returns the dial string of a feature code without the closing '#',
// or "" when the code is disabled or unknown.
func (p *Plan) Code(id CodeID) string { return p.codes[id] }

// InCallCode returns the key sequence of an in-call code, or "" when disabled.
func (p *Plan) InCallCode(id InCallID) string {
	for _, c := range p.inCall {
		if c.id == id {
			return c.code
		}
	}
	return ""
}

// IsEmergency reports whether number is one of the plan's emergency numbers.
func (p *Plan) IsEmergency(number string) bool {
	for _, e := range p.emergency {
		if e == number {
			return true
		}
	}
	return false
}

// CheckExtensionNumber tells whether number may be given to a new extension:
// it must be inside the extension range and not be an emergency number, a
// queue or a ring group. The error wraps ErrBadArgument.
func (p *Plan) CheckExtensionNumber(number string) error {
	n, ok := parseInternal(number)
	switch {
	case !ok:
		return fmt.Errorf("%w: %q is not a number without leading zeros", ErrBadArgument, number)
	case !p.cfg.Extensions.contains(n):
		return fmt.Errorf("%w: %s is outside the extension range %v", ErrBadArgument, number, p.cfg.Extensions)
	case p.IsEmergency(number):
		return fmt.Errorf("%w: %s is an emergency number", ErrBadArgument, number)
	}
	if k, ok := p.groups[number]; ok {
		return fmt.Errorf("%w: %s is a %v", ErrBadArgument, number, k)
	}
	return nil
}

func (c Config) clone() Config {
	c.Emergency = slices.Clone(c.Emergency)
	c.Queues = slices.Clone(c.Queues)
	c.RingGroups = slices.Clone(c.RingGroups)
	c.Codes = maps.Clone(c.Codes)
	c.InCall = maps.Clone(c.InCall)
	return c
}

// effectiveCodes merges the overrides into the defaults and drops disabled codes.
func (c Config) effectiveCodes() map[CodeID]string {
	m := DefaultCodes()
	for id, code := range c.Codes {
		m[id] = code
	}
	for id, code := range m {
		if code == "" {
			delete(m, id)
		}
	}
	return m
}

func (c Config) effectiveInCall() map[InCallID]string {
	m := DefaultInCallCodes()
	for id, code := range c.InCall {
		m[id] = code
	}
	return m
}

// parseInternal parses an internal number: 1 to 9 digits, no leading zero.
func parseInternal(s string) (int, bool) {
	if s == "" || len(s) > 9 || s[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int(ch-'0')
	}
	return n, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
