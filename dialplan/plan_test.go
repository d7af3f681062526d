package dialplan

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultPlanIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
	if err := testConfig().Validate(); err != nil {
		t.Fatalf("testConfig().Validate() = %v", err)
	}
}

func TestValidateNamesTheOffendingSetting(t *testing.T) {
	cases := []struct {
		name    string
		change  func(c *Config)
		setting string
	}{
		{"parking inside extensions", func(c *Config) { c.Extensions = Range{10, 899} }, "parking"},
		{"rooms overlap parking", func(c *Config) { c.Conference = Range{45, 99} }, "conference"},
		{"reversed range", func(c *Config) { c.Parking = Range{49, 41} }, "parking"},
		{"one-digit range", func(c *Config) { c.Parking = Range{1, 9} }, "parking"},
		{"six-digit range", func(c *Config) { c.Extensions = Range{100, 100000} }, "extensions"},
		{"four digits starting with the prefix", func(c *Config) { c.Extensions = Range{1000, 9999} }, "extensions"},
		{"rooms read as prefix + external", func(c *Config) { c.Conference = Range{9000, 9009} }, "conference"},
		{"no outbound prefix", func(c *Config) { c.OutboundPrefix = "" }, "outbound_prefix"},
		{"outbound prefix with letters", func(c *Config) { c.OutboundPrefix = "9a" }, "outbound_prefix"},
		{"no external digits", func(c *Config) { c.MinExternalDigits = 0 }, "min_external_digits"},
		{"max below min", func(c *Config) { c.MaxExternalDigits = 2 }, "max_external_digits"},
		{"emergency is a parking slot", func(c *Config) { c.Emergency = []string{"112", "44"} }, "emergency[1]"},
		{"emergency is a room", func(c *Config) { c.Emergency = []string{"99"} }, "emergency[0]"},
		{"emergency twice", func(c *Config) { c.Emergency = []string{"112", "112"} }, "emergency[1]"},
		{"emergency with letters", func(c *Config) { c.Emergency = []string{"1a2"} }, "emergency[0]"},
		{"queue outside extensions", func(c *Config) { c.Queues = []string{"950"} }, "queues[0]"},
		{"queue is emergency", func(c *Config) { c.Queues = []string{"600", "112"} }, "queues[1]"},
		{"ring group is a queue", func(c *Config) { c.RingGroups = []string{"601"} }, "ring_groups[0]"},
		{"queue with leading zero", func(c *Config) { c.Queues = []string{"0600"} }, "queues[0]"},
		{"two codes alike", func(c *Config) { c.Codes = map[CodeID]string{CodeDNDOn: "*60"} }, "codes.FC-DND-ON"},
		{"code shadowed by an argument code", func(c *Config) { c.Codes = map[CodeID]string{CodeSpyListen: "*9"} }, "codes.FC-SPY-WHISPER"},
		{"announce swallowed by pickup", func(c *Config) { c.Codes = map[CodeID]string{CodeAnnounceWAN: "**111"} }, "codes.FC-ANNOUNCE-WAN"},
		{"fixed code swallowed by forward", func(c *Config) { c.Codes = map[CodeID]string{CodeDNDOn: "*71102"} }, "codes.FC-DND-ON"},
		{"fixed code swallowed by forward to external", func(c *Config) { c.Codes = map[CodeID]string{CodeDNDOn: "*719123"} }, "codes.FC-DND-ON"},
		{"fixed code swallowed by queue login", func(c *Config) { c.Codes = map[CodeID]string{CodeDNDOff: "*93600"} }, "codes.FC-DND-OFF"},
		{"code without star", func(c *Config) { c.Codes = map[CodeID]string{CodeDNDOn: "74"} }, "codes.FC-DND-ON"},
		{"code with hash", func(c *Config) { c.Codes = map[CodeID]string{CodeDNDOn: "*7#"} }, "codes.FC-DND-ON"},
		{"unknown code id", func(c *Config) { c.Codes = map[CodeID]string{"FC-NOPE": "*77"} }, "codes.FC-NOPE"},
		{"in-call codes alike", func(c *Config) { c.InCall = map[InCallID]string{InCallRecord: "*4"} }, "in_call.IC-RECORD"},
		{"in-call code starts another", func(c *Config) { c.InCall = map[InCallID]string{InCallPark: "*"} }, "in_call.IC-ATTENDED"},
		{"in-call code with a digit first", func(c *Config) { c.InCall = map[InCallID]string{InCallPark: "4"} }, "in_call.IC-PARK"},
		{"unknown in-call id", func(c *Config) { c.InCall = map[InCallID]string{"IC-NOPE": "*9"} }, "in_call.IC-NOPE"},
		{"country code with zero", func(c *Config) { c.CountryCode = "049" }, "country_code"},
		{"same national and international prefix", func(c *Config) { c.InternationalPrefix = "0" }, "international_prefix"},
		{"area code without country", func(c *Config) { c.AreaCode = "30" }, "area_code"},
		{"area code with national prefix", func(c *Config) { c.CountryCode, c.AreaCode = "49", "030" }, "area_code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig()
			tc.change(&c)
			err := c.Validate()
			var pe *PlanError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidPlan) {
				t.Fatalf("Validate() = %v, want a *PlanError", err)
			}
			if pe.Setting != tc.setting {
				t.Fatalf("Validate() = %v; names %q, want %q", err, pe.Setting, tc.setting)
			}
			if !strings.Contains(err.Error(), tc.setting) {
				t.Fatalf("message %q does not name %s", err, tc.setting)
			}
			if _, err := New(c); !errors.Is(err, ErrInvalidPlan) {
				t.Fatalf("New accepted the invalid plan: %v", err)
			}
		})
	}
}

func TestTwoDigitExtensionsCollideWithAnnounceCodes(t *testing.T) {
	c := testConfig()
	c.Extensions, c.Parking, c.Queues, c.RingGroups = Range{10, 89}, Range{100, 109}, nil, nil
	var pe *PlanError
	if err := c.Validate(); !errors.As(err, &pe) || pe.Setting != "codes.FC-ANNOUNCE-WAN" {
		t.Fatalf("Validate() = %v, want the collision of **11 with pickup of extension 11", err)
	}
	c.Codes = map[CodeID]string{CodeAnnounceWAN: "*011", CodeAnnounceLAN: "*012", CodeAnnounceExt: "*013"}
	if err := c.Validate(); err != nil {
		t.Fatalf("moved announce codes: %v", err)
	}
}

func TestNewPlanIsIsolatedFromLaterChangesOfItsConfig(t *testing.T) {
	c := testConfig()
	c.Codes = map[CodeID]string{CodeDNDOn: "*78"}
	p := MustNew(c)
	c.Queues[0] = "700"
	c.Codes[CodeDNDOn] = "*79"
	if r, err := p.Route("600", phone101); err != nil || r.Kind != KindQueue {
		t.Fatalf("queue 600 lost after the config slice changed: %+v, %v", r, err)
	}
	if p.Config().Queues[0] != "600" || p.Code(CodeDNDOn) != "*78" {
		t.Fatal("plan shares its config with the caller")
	}
}

func TestCheckExtensionNumberRefusesReservedNumbers(t *testing.T) {
	p := testPlan(t)
	if err := p.CheckExtensionNumber("101"); err != nil {
		t.Fatalf("101: %v", err)
	}
	for _, n := range []string{"112", "600", "650", "99", "41", "900", "0101", "10a", ""} {
		if err := p.CheckExtensionNumber(n); !errors.Is(err, ErrBadArgument) {
			t.Errorf("CheckExtensionNumber(%q) = %v, want ErrBadArgument", n, err)
		}
	}
}
