package dialplan

import (
	"errors"
	"regexp"
	"testing"
)

// dialStringRE is everything a dial string of this package may look like.
var dialStringRE = regexp.MustCompile(`^PJSIP/(?:[0-9]{2,6}(?:-web)?|\+?[0-9]{2,24}@[A-Za-z0-9_-]{1,40})$`)

func TestRoutesBuildTheirDialStrings(t *testing.T) {
	p := germanPlan(t)
	cases := []struct {
		dialled string
		want    string
	}{
		{"101", "PJSIP/101"},
		{"9030123456#", "PJSIP/030123456@trunk-1"},
		{"90044201234567", "PJSIP/0044201234567@trunk-1"},
		{"112", "PJSIP/112@trunk-1"},
		{"9911#", "PJSIP/911@trunk-1"},
		{"*71102#", "PJSIP/102"},
		{"*719030123456#", "PJSIP/030123456@trunk-1"},
		{"*50102#", "PJSIP/102"},
	}
	intl := Caller{Extension: "101", Origin: OriginPhone, Class: ClassInternational}
	for _, tc := range cases {
		r, err := p.Route(tc.dialled, intl)
		if err != nil {
			t.Fatalf("Route(%q): %v", tc.dialled, err)
		}
		got, err := r.DialString("trunk-1")
		if err != nil || got != tc.want || !dialStringRE.MatchString(got) {
			t.Errorf("Route(%q).DialString = %q, %v; want %q", tc.dialled, got, err, tc.want)
		}
	}
	for _, d := range []string{"600", "650", "41", "90", "*74#", "*93600#", "*55*03010730#"} {
		r, err := p.Route(d, phone101)
		if err != nil {
			t.Fatalf("Route(%q): %v", d, err)
		}
		if _, err := r.DialString("trunk-1"); !errors.Is(err, ErrNotDialled) {
			t.Errorf("Route(%q).DialString error = %v, want ErrNotDialled", d, err)
		}
	}
}

func TestEndpointDialStringsForPhonesAndBrowser(t *testing.T) {
	if s, err := EndpointDialString("101", false); err != nil || s != "PJSIP/101" {
		t.Fatalf("phones: %q, %v", s, err)
	}
	if s, err := EndpointDialString("101", true); err != nil || s != "PJSIP/101-web" {
		t.Fatalf("browser: %q, %v", s, err)
	}
	if s, err := TrunkDialString("trunk_1", "+4930123456"); err != nil || s != "PJSIP/+4930123456@trunk_1" {
		t.Fatalf("E.164 trunk: %q, %v", s, err)
	}
}

func TestNothingCanBeInjectedIntoADialString(t *testing.T) {
	evil := []string{"101&PJSIP/102", "101,30", "101/sip:x@evil", "101@trunk", "SIP/101", "Local/101@ctx",
		"IAX2/evil", "101;x", "101\n", " 101", "", "1", "1234567", "101-web", "+101", "١٠١"}
	for _, e := range evil {
		if s, err := EndpointDialString(e, false); !errors.Is(err, ErrUnsafeDialString) {
			t.Errorf("EndpointDialString(%q) = %q, %v", e, s, err)
		}
		if s, err := TrunkDialString("trunk", e); e != "1234567" && e != "+101" && !errors.Is(err, ErrUnsafeDialString) {
			t.Errorf("TrunkDialString(trunk, %q) = %q, %v", e, s, err)
		}
	}
	for _, trunk := range []string{"", "trunk&PJSIP/x", "trunk,1", "trunk/x", "a@b", "t runk", "t:1", "PJSIP/t",
		"a234567890123456789012345678901234567890x"} {
		if s, err := TrunkDialString(trunk, "030123"); !errors.Is(err, ErrUnsafeDialString) {
			t.Errorf("TrunkDialString(%q, …) = %q, %v", trunk, s, err)
		}
	}
	forged := []Route{
		{Kind: KindExtension, Number: "101&PJSIP/102"},
		{Kind: KindExternal, Digits: "123@evil"},
		{Kind: KindEmergency, Digits: "112,1"},
		{Kind: KindFeatureCode, Target: KindExtension, Number: "SIP/1"},
	}
	for _, r := range forged {
		if s, err := r.DialString("trunk"); !errors.Is(err, ErrUnsafeDialString) {
			t.Errorf("forged %+v gave %q, %v", r, s, err)
		}
	}
}
