package dialplan

import (
	"strings"
	"testing"
)

func TestNumbersRouteToTheirKindWithAndWithoutHash(t *testing.T) {
	p := testPlan(t)
	cases := []struct {
		dialled string
		kind    Kind
		number  string
		digits  string
	}{
		{"100", KindExtension, "100", "100"},
		{"101", KindExtension, "101", "101"},
		{"899", KindExtension, "899", "899"},
		{"600", KindQueue, "600", "600"},
		{"601", KindQueue, "601", "601"},
		{"650", KindRingGroup, "650", "650"},
		{"41", KindParkingSlot, "41", "41"},
		{"49", KindParkingSlot, "49", "49"},
		{"90", KindConferenceRoom, "90", "90"},
		{"99", KindConferenceRoom, "99", "99"},
		{"112", KindEmergency, "112", "112"},
		{"911", KindEmergency, "911", "911"},
		{"9112", KindEmergency, "112", "112"},
		{"9911", KindEmergency, "911", "911"},
		{"9855307096", KindExternal, "855307096", "855307096"},
		{"9123", KindExternal, "123", "123"},
		{"9030123456", KindExternal, "030123456", "030123456"},
	}
	for _, tc := range cases {
		withAndWithoutHash(t, tc.dialled, func(t *testing.T, d string) {
			r, err := p.Route(d, phone101)
			if err != nil {
				t.Fatalf("Route(%q) = %v", d, err)
			}
			if r.Kind != tc.kind || r.Number != tc.number || r.Digits != tc.digits || r.Code != "" {
				t.Fatalf("Route(%q) = %+v, want %v %q/%q", d, r, tc.kind, tc.number, tc.digits)
			}
		})
	}
}

func TestWrongNumbersAreRejectedWithTheirReason(t *testing.T) {
	p := testPlan(t)
	cases := []struct {
		dialled string
		want    error
	}{
		{"", ErrEmpty},
		{"#", ErrEmpty},
		{"##", ErrInvalidCharacters},
		{"10a", ErrInvalidCharacters},
		{"1#1", ErrInvalidCharacters},
		{"900*0", ErrInvalidCharacters}, // '*' belongs only in feature codes
		{"10*", ErrInvalidCharacters},
		{"+4930123", ErrInvalidCharacters},
		{"101 ", ErrInvalidCharacters},
		{"sip:101@x", ErrInvalidCharacters},
		{"101&PJSIP/102", ErrInvalidCharacters},
		{"\x00", ErrInvalidCharacters},
		{"099", ErrUnknownNumber}, // leading zero
		{"40", ErrUnknownNumber},  // below parking
		{"50", ErrUnknownNumber},  // between parking and rooms
		{"1", ErrUnknownNumber},
		{"1000", ErrUnknownNumber}, // beyond the 3-digit extensions
		{"9", ErrIncomplete},
		{"912", ErrIncomplete},
		{"900", ErrIncomplete},
		{"9" + strings.Repeat("1", 21), ErrTooLong},
		{strings.Repeat("1", 41), ErrTooLong},
	}
	for _, tc := range cases {
		t.Run(tc.dialled, func(t *testing.T) {
			r, err := p.Route(tc.dialled, phone101)
			if err == nil {
				t.Fatalf("Route(%q) = %+v, want %v", tc.dialled, r, tc.want)
			}
			if got := sentinelOf(t, err); got != tc.want {
				t.Fatalf("Route(%q) = %v, want %v", tc.dialled, err, tc.want)
			}
		})
	}
}

func TestEmergencyNumbersAreAllowedForEveryClassWithOrWithoutPrefix(t *testing.T) {
	p := testPlan(t)
	for _, class := range []Class{ClassInternal, ClassNational, ClassInternational} {
		for _, origin := range []Origin{OriginPhone, OriginBrowser} {
			for _, d := range []string{"112", "112#", "9112", "9112#", "911", "9911#"} {
				r, err := p.Route(d, Caller{Extension: "101", Origin: origin, Class: class})
				if err != nil || r.Kind != KindEmergency {
					t.Fatalf("class %v origin %s Route(%q) = %+v, %v", class, origin, d, r, err)
				}
			}
		}
	}
	if err := p.CheckExtensionNumber("112"); err == nil {
		t.Fatal("112 was accepted as an extension number")
	}
}

func TestOutboundClassRestrictsExternalNumbers(t *testing.T) {
	p := germanPlan(t)
	cases := []struct {
		dialled string
		class   Class
		ok      bool
		scope   Scope
	}{
		{"9030123456", ClassInternal, false, 0},
		{"9030123456", ClassNational, true, ScopeNational},
		{"9030123456", ClassInternational, true, ScopeNational},
		{"90044201234567", ClassNational, false, 0},
		{"90044201234567", ClassInternational, true, ScopeInternational},
		{"9004930123456", ClassNational, true, ScopeNational}, // own country dialled internationally
		{"101", ClassInternal, true, ScopeInternal},
		{"90", ClassInternal, true, ScopeInternal},
	}
	for _, tc := range cases {
		r, err := p.Route(tc.dialled, Caller{Extension: "101", Origin: OriginPhone, Class: tc.class})
		if !tc.ok {
			if sentinelOf(t, err) != ErrNotAllowed {
				t.Errorf("class %v Route(%q) = %+v, %v; want ErrNotAllowed", tc.class, tc.dialled, r, err)
			}
			continue
		}
		if err != nil || r.Scope != tc.scope {
			t.Errorf("class %v Route(%q) = %+v, %v; want scope %v", tc.class, tc.dialled, r, err, tc.scope)
		}
	}
}

func TestTrunkCallsReachOnlyInternalDestinations(t *testing.T) {
	p := testPlan(t)
	ok := map[string]Kind{"101": KindExtension, "600": KindQueue, "650": KindRingGroup, "90": KindConferenceRoom}
	for d, kind := range ok {
		r, err := p.Route(d, trunk)
		if err != nil || r.Kind != kind {
			t.Errorf("trunk Route(%q) = %+v, %v; want %v", d, r, err, kind)
		}
	}
	for _, d := range []string{"41", "9855307096", "112", "9112", "*74#"} {
		if _, err := p.Route(d, trunk); sentinelOf(t, err) != ErrNotAllowed {
			t.Errorf("trunk Route(%q) = %v, want ErrNotAllowed", d, err)
		}
	}
}

func TestUnknownOriginIsNotAllowed(t *testing.T) {
	p := testPlan(t)
	if _, err := p.Route("101", Caller{Extension: "102", Origin: "sip"}); sentinelOf(t, err) != ErrNotAllowed {
		t.Fatalf("origin sip: %v, want ErrNotAllowed", err)
	}
}

func TestWidenedPlanRoutesFourDigitExtensions(t *testing.T) {
	c := testConfig()
	c.Extensions = Range{100, 8999}
	p, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"100", "911", "1234", "8999"} {
		r, err := p.Route(d, phone101)
		want := KindExtension
		if d == "911" {
			want = KindEmergency
		}
		if err != nil || r.Kind != want {
			t.Errorf("Route(%q) = %+v, %v; want %v", d, r, err, want)
		}
	}
	if r, err := p.Route("9123", phone101); err != nil || r.Kind != KindExternal {
		t.Errorf("Route(9123) = %+v, %v; want external", r, err)
	}
	if r, err := p.Route("**1234#", phone101); err != nil || r.Code != CodePickupDirect || r.Arg != "1234" {
		t.Errorf("Route(**1234#) = %+v, %v", r, err)
	}
}

func TestRouteErrorMessagesNameInputAndReason(t *testing.T) {
	p := testPlan(t)
	_, err := p.Route("*71#", phone101)
	msg := err.Error()
	for _, want := range []string{"incomplete", `"*71"`, "FC-FWD-ALL", "*71"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	var re *RouteError
	if !asRouteError(err, &re) || re.Code != CodeFwdAll {
		t.Errorf("RouteError.Code = %v, want FC-FWD-ALL", re)
	}
}

func asRouteError(err error, target **RouteError) bool {
	re, ok := err.(*RouteError)
	*target = re
	return ok
}

func TestParseClassReadsConfigurationNames(t *testing.T) {
	for s, want := range map[string]Class{"internal": ClassInternal, "national": ClassNational, "": ClassNational, "international": ClassInternational} {
		if got, err := ParseClass(s); err != nil || got != want || (s != "" && got.String() != s) {
			t.Errorf("ParseClass(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseClass("world"); err == nil {
		t.Error("ParseClass(world) accepted")
	}
}

func TestParseOriginReadsTheStasisArgument(t *testing.T) {
	for _, s := range []string{"phone", "browser", "trunk"} {
		if o, err := ParseOrigin(s); err != nil || string(o) != s {
			t.Errorf("ParseOrigin(%q) = %q, %v", s, o, err)
		}
	}
	for _, s := range []string{"", "inbound", "Phone"} {
		if _, err := ParseOrigin(s); err == nil {
			t.Errorf("ParseOrigin(%q) accepted", s)
		}
	}
}
