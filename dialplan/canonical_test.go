package dialplan

import (
	"testing"
)

type canonCase struct {
	in   string
	want string
	err  error
}

func checkCanon(t *testing.T, name string, f func(string) (string, error), cases []canonCase) {
	t.Helper()
	for _, tc := range cases {
		got, err := f(tc.in)
		if tc.err != nil {
			if err == nil {
				t.Errorf("%s(%q) = %q, want %v", name, tc.in, got, tc.err)
			} else if s := sentinelOf(t, err); s != tc.err {
				t.Errorf("%s(%q) = %v, want %v", name, tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s(%q) = %q, %v; want %q", name, tc.in, got, err, tc.want)
		}
	}
}

func TestCanonicalWithoutCountryCodeKeepsNationalForm(t *testing.T) {
	p := testPlan(t)
	checkCanon(t, "CanonicalDialled", p.CanonicalDialled, []canonCase{
		{"9030123456", "030123456", nil},
		{"9030123456#", "030123456", nil},
		{"90044201234567", "+44201234567", nil},
		{"9855307096", "855307096", nil},
		{"101", "101", nil},
		{"600", "600", nil},
		{"41", "41", nil},
		{"112", "112", nil},
		{"9112", "112", nil},
	})
	checkCanon(t, "CanonicalDialled", p.CanonicalDialled, []canonCase{
		{"91", "91", nil}, // conference room 91 stays as it is
		{"855307096", "", ErrUnknownNumber},
		{"912", "", ErrIncomplete},
		{"9000", "", ErrUnknownNumber}, // "00" + "0": no country code starts with 0
		{"90001", "", ErrUnknownNumber},
		{"", "", ErrEmpty},
		{"#", "", ErrEmpty},
		{"9030 123", "", ErrInvalidCharacters},
		{"+4930123", "", ErrInvalidCharacters},
	})
	checkCanon(t, "CanonicalCallerID", p.CanonicalCallerID, []canonCase{
		{"030123456", "030123456", nil},
		{"+4930123456", "+4930123456", nil},
		{"004930123456", "+4930123456", nil},
		{"9855307096", "9855307096", nil}, // a presented number has no outbound prefix
		{"102", "102", nil},
		{"+", "", ErrIncomplete},
		{"+0301", "", ErrUnknownNumber},
		{"+1234567890123456", "", ErrTooLong},
		{"anonymous", "", ErrInvalidCharacters},
		{"0100000000000000000000000", "", ErrTooLong}, // more than max_external_digits
	})
}

func TestCanonicalWithCountryCode49GivesE164(t *testing.T) {
	p := germanPlan(t)
	checkCanon(t, "CanonicalDialled", p.CanonicalDialled, []canonCase{
		{"9030123456", "+4930123456", nil},
		{"9004930123456", "+4930123456", nil},
		{"90044201234567", "+44201234567", nil},
		{"9123456", "+4930123456", nil}, // local number, area 30
		{"101", "101", nil},
		{"9911", "911", nil},
	})
	checkCanon(t, "CanonicalCallerID", p.CanonicalCallerID, []canonCase{
		{"030123456", "+4930123456", nil},
		{"004930123456", "+4930123456", nil},
		{"+4930123456", "+4930123456", nil},
		{"123456", "+4930123456", nil},
		{"0", "", ErrIncomplete},
		{"00", "", ErrIncomplete},
	})
	checkCanon(t, "Normalize", p.Normalize, []canonCase{
		{"+49 (0)30 123-456", "+4930123456", nil},
		{"+49 30 123456", "+4930123456", nil},
		{"(030) 123 456", "+4930123456", nil},
		{"030/123456", "+4930123456", nil},
		{"030.123.456", "+4930123456", nil},
		{" 0049 30 123456 ", "+4930123456", nil},
		{"101", "101", nil},
		{"+44 20 1234 5678", "+442012345678", nil},
		{"030 123 456 ext 7", "", ErrInvalidCharacters},
		{"++4930", "", ErrInvalidCharacters},
		{"030+123", "", ErrInvalidCharacters},
		{"", "", ErrEmpty},
		{"()", "", ErrEmpty},
	})
}

func TestCanonicalWithCountryCode1FollowsNANP(t *testing.T) {
	p := nanpPlan(t)
	checkCanon(t, "CanonicalDialled", p.CanonicalDialled, []canonCase{
		{"912125550100", "+12125550100", nil},
		{"92125550100", "+12125550100", nil},
		{"9011442012345678", "+442012345678", nil},
	})
	checkCanon(t, "CanonicalCallerID", p.CanonicalCallerID, []canonCase{
		{"2125550100", "+12125550100", nil},
		{"12125550100", "+12125550100", nil},
		{"+12125550100", "+12125550100", nil},
		{"011442012345678", "+442012345678", nil},
	})
	checkCanon(t, "Normalize", p.Normalize, []canonCase{
		{"+1 (212) 555-0100", "+12125550100", nil},
		{"1-212-555-0100", "+12125550100", nil},
		{"(212) 555-0100", "+12125550100", nil},
		{"212.555.0100", "+12125550100", nil},
	})
	r, err := p.Route("9011442012345678", Caller{Extension: "101", Origin: OriginPhone})
	if sentinelOf(t, err) != ErrNotAllowed {
		t.Fatalf("national class dialling abroad in NANP: %+v, %v", r, err)
	}
}

func TestEveryWayOfWritingANumberGivesTheSameCanonicalForm(t *testing.T) {
	p := germanPlan(t)
	want := "+4930123456"
	dialled := []string{"9030123456", "9030123456#", "9004930123456", "9123456"}
	presented := []string{"030123456", "+4930123456", "004930123456", "123456"}
	human := []string{"+49 (0)30 12 34 56", "030 / 12 34 56", "0049-30-123456"}
	for _, d := range dialled {
		if got, err := p.CanonicalDialled(d); err != nil || got != want {
			t.Errorf("CanonicalDialled(%q) = %q, %v", d, got, err)
		}
		if r, err := p.Route(d, phone101); err != nil || r.Number != want {
			t.Errorf("Route(%q).Number = %q, %v", d, r.Number, err)
		}
	}
	for _, d := range presented {
		if got, err := p.CanonicalCallerID(d); err != nil || got != want {
			t.Errorf("CanonicalCallerID(%q) = %q, %v", d, got, err)
		}
	}
	for _, d := range human {
		if got, err := p.Normalize(d); err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v", d, got, err)
		}
	}
}

func TestDialableTurnsCanonicalNumbersBackIntoDialledStrings(t *testing.T) {
	cases := []struct {
		plan *Plan
		in   string
		want string
		err  error
	}{
		{germanPlan(t), "+4930123456", "9030123456", nil},
		{germanPlan(t), "+442012345678", "900442012345678", nil},
		{germanPlan(t), "101", "101", nil},
		{germanPlan(t), "112", "112", nil},
		{germanPlan(t), "41", "41", nil},
		{germanPlan(t), "030123456", "", ErrUnknownNumber}, // not canonical in this plan
		{germanPlan(t), "", "", ErrEmpty},
		{nanpPlan(t), "+12125550100", "912125550100", nil},
		{nanpPlan(t), "+442012345678", "9011442012345678", nil},
		{testPlan(t), "030123456", "9030123456", nil},
		{testPlan(t), "+442012345678", "900442012345678", nil},
		{testPlan(t), "+4", "", ErrUnknownNumber},
	}
	for _, tc := range cases {
		got, err := tc.plan.Dialable(tc.in)
		if tc.err != nil {
			if err == nil || sentinelOf(t, err) != tc.err {
				t.Errorf("Dialable(%q) = %q, %v; want %v", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Dialable(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			continue
		}
		checkDialable(t, tc.plan, tc.in)
	}
}
