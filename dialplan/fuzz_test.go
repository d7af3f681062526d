package dialplan

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// canonicalRE is every canonical form: E.164, or digits (internal or national).
var canonicalRE = regexp.MustCompile(`^(?:\+[1-9][0-9]{2,14}|[0-9]{1,24})$`)

var (
	fuzzOrigins = []Origin{OriginPhone, OriginBrowser, OriginTrunk, "bogus"}
	fuzzClasses = []Class{ClassInternal, ClassNational, ClassInternational}
)

func FuzzRoute(f *testing.F) {
	for _, s := range []string{"101", "*71803#", "*719855307096#", "**11#", "**101#", "*55*03010730#",
		"9112", "112", "41", "90", "600#", "9", "*", "#", "", "*71abc#", "101&PJSIP/102", "9,1"} {
		f.Add(s, uint8(0), uint8(1))
	}
	plans := []*Plan{testPlan(f), germanPlan(f), nanpPlan(f)}
	f.Fuzz(func(t *testing.T, dialled string, who, class uint8) {
		p := plans[int(who>>4)%len(plans)]
		c := Caller{Extension: "101", Origin: fuzzOrigins[int(who)%len(fuzzOrigins)], Class: fuzzClasses[int(class)%len(fuzzClasses)]}
		r, err := p.Route(dialled, c)
		if err != nil {
			sentinelOf(t, err)
			if r != (Route{}) {
				t.Fatalf("rejection with a route: %+v", r)
			}
			return
		}
		checkRoute(t, p, dialled, c, r)
		if !strings.HasSuffix(dialled, "#") && len(dialled) < maxDialled {
			r2, err := p.Route(dialled+"#", c)
			if err != nil || r2 != r {
				t.Fatalf("with '#': %+v, %v; without: %+v", r2, err, r)
			}
		}
	})
}

// checkRoute asserts what holds for every accepted route.
func checkRoute(t *testing.T, p *Plan, dialled string, c Caller, r Route) {
	t.Helper()
	if r.Kind == KindNone || r.Kind > KindConferenceRoom || r.Dialled != strings.TrimSuffix(dialled, "#") {
		t.Fatalf("Route(%q) = %+v", dialled, r)
	}
	if c.Origin == OriginTrunk && r.Kind != KindExtension && r.Kind != KindQueue && r.Kind != KindRingGroup && r.Kind != KindConferenceRoom {
		t.Fatalf("trunk reached %v", r.Kind)
	}
	if !allDigits(r.Digits) || !allDigits(r.Arg) || (r.Number != "" && !canonicalRE.MatchString(r.Number)) {
		t.Fatalf("Route(%q) fields are not clean digits: %+v", dialled, r)
	}
	if (r.Kind == KindFeatureCode) != (r.Code != "") {
		t.Fatalf("Route(%q): kind %v with code %q", dialled, r.Kind, r.Code)
	}
	if (r.Kind == KindExternal || r.Target == KindExternal) && !c.Class.Allows(r.Scope) {
		t.Fatalf("class %v reached scope %v", c.Class, r.Scope)
	}
	ds, err := r.DialString("trunk-1")
	switch {
	case err == nil && !dialStringRE.MatchString(ds):
		t.Fatalf("Route(%q) dial string %q fails the strict pattern", dialled, ds)
	case err != nil && !errors.Is(err, ErrNotDialled):
		t.Fatalf("Route(%q) produced a route whose dial string is refused: %v", dialled, err)
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"9030123456", "+49 (0)30 123-456", "004930123456", "123456", "101", "+", "+0",
		"(212) 555-0100", "9011442012345678", "anonymous", "0", "9112#"} {
		f.Add(s, uint8(0))
	}
	plans := []*Plan{testPlan(f), germanPlan(f), nanpPlan(f)}
	f.Fuzz(func(t *testing.T, in string, which uint8) {
		p := plans[int(which)%len(plans)]
		for name, fn := range map[string]func(string) (string, error){
			"Normalize": p.Normalize, "CanonicalCallerID": p.CanonicalCallerID, "CanonicalDialled": p.CanonicalDialled} {
			out, err := fn(in)
			if err != nil {
				sentinelOf(t, err)
				continue
			}
			if !canonicalRE.MatchString(out) {
				t.Fatalf("%s(%q) = %q: not canonical", name, in, out)
			}
			if again, err := p.CanonicalCallerID(out); err != nil || again != out {
				t.Fatalf("%s(%q) = %q, but CanonicalCallerID of it = %q, %v", name, in, out, again, err)
			}
			checkDialable(t, p, out)
		}
	})
}

func FuzzInCallMatcher(f *testing.F) {
	for _, s := range []string{"*4", "#", "**2", "1*0", "*x4", "*d", "123*", "*1*1#"} {
		f.Add(s)
	}
	p := testPlan(f)
	f.Fuzz(func(t *testing.T, keys string) {
		m := p.NewInCallMatcher()
		var out, want strings.Builder
		for i := 0; i < len(keys); i++ {
			k := keys[i]
			if k >= 'a' && k <= 'd' {
				k -= 'a' - 'A'
			}
			if isDTMF(k) {
				want.WriteByte(k)
			}
			r := m.Feed(keys[i])
			out.WriteString(r.Forward)
			if r.Match != "" {
				out.WriteString(p.InCallCode(r.Match))
			}
			if r.Pending != m.Pending() || len(m.buf) > 4 {
				t.Fatalf("pending state inconsistent after %q", keys[:i+1])
			}
		}
		out.WriteString(m.Timeout())
		if out.String() != want.String() {
			t.Fatalf("keys %q: forwarded + matched = %q, want %q", keys, out.String(), want.String())
		}
	})
}

func FuzzDialString(f *testing.F) {
	f.Add("trunk-1", "030123456")
	f.Add("trunk&PJSIP/x", "101,1")
	f.Add("t", "+4930")
	f.Fuzz(func(t *testing.T, trunk, digits string) {
		for _, fn := range []func() (string, error){
			func() (string, error) { return TrunkDialString(trunk, digits) },
			func() (string, error) { return EndpointDialString(digits, false) },
			func() (string, error) { return EndpointDialString(digits, true) },
		} {
			s, err := fn()
			if err != nil {
				if !errors.Is(err, ErrUnsafeDialString) {
					t.Fatalf("error %v is not ErrUnsafeDialString", err)
				}
				continue
			}
			if !dialStringRE.MatchString(s) {
				t.Fatalf("dial string %q from (%q, %q) fails the strict pattern", s, trunk, digits)
			}
		}
	})
}

// checkDialable asserts the round trip canonical -> Dialable -> Route -> canonical.
func checkDialable(t *testing.T, p *Plan, canonical string) {
	t.Helper()
	d, err := p.Dialable(canonical)
	if err != nil {
		sentinelOf(t, err)
		return
	}
	r, err := p.Route(d, Caller{Extension: "101", Origin: OriginPhone, Class: ClassInternational})
	if err != nil || r.Number != canonical {
		t.Fatalf("Dialable(%q) = %q, which routes to %+v, %v", canonical, d, r, err)
	}
}
