package dialplan

import (
	"errors"
	"testing"
)

// testConfig is the default plan with queues 600, 601 and ring group 650.
func testConfig() Config {
	c := DefaultConfig()
	c.Queues = []string{"600", "601"}
	c.RingGroups = []string{"650"}
	return c
}

func testPlan(t testing.TB) *Plan {
	t.Helper()
	p, err := New(testConfig())
	if err != nil {
		t.Fatalf("New(testConfig()): %v", err)
	}
	return p
}

// germanPlan has country code 49, national prefix 0, international 00, area 30.
func germanPlan(t testing.TB) *Plan {
	t.Helper()
	c := testConfig()
	c.CountryCode, c.NationalPrefix, c.InternationalPrefix, c.AreaCode = "49", "0", "00", "30"
	p, err := New(c)
	if err != nil {
		t.Fatalf("New(german): %v", err)
	}
	return p
}

// nanpPlan has country code 1, national prefix 1, international 011, no area code.
func nanpPlan(t testing.TB) *Plan {
	t.Helper()
	c := testConfig()
	c.CountryCode, c.NationalPrefix, c.InternationalPrefix = "1", "1", "011"
	p, err := New(c)
	if err != nil {
		t.Fatalf("New(nanp): %v", err)
	}
	return p
}

var (
	phone101 = Caller{Extension: "101", Origin: OriginPhone}
	trunk    = Caller{Origin: OriginTrunk}
)

var sentinels = []error{ErrEmpty, ErrInvalidCharacters, ErrTooLong, ErrUnknownNumber,
	ErrUnknownCode, ErrIncomplete, ErrBadArgument, ErrNotAllowed}

// sentinelOf returns the one sentinel err wraps, failing the test when err
// is not a *RouteError or wraps none.
func sentinelOf(t testing.TB, err error) error {
	t.Helper()
	var re *RouteError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *RouteError", err, err)
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			if re.Detail == "" {
				t.Fatalf("error %v has no detail", err)
			}
			return s
		}
	}
	t.Fatalf("error %v wraps no sentinel", err)
	return nil
}
