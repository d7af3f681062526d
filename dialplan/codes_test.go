package dialplan

import (
	"strings"
	"testing"
)

// withAndWithoutHash runs f for in and for in + "#".
func withAndWithoutHash(t *testing.T, in string, f func(t *testing.T, dialled string)) {
	base := strings.TrimSuffix(in, "#")
	for _, d := range []string{base, base + "#"} {
		t.Run(d, func(t *testing.T) { f(t, d) })
	}
}

func TestEveryFeatureCodeRoutesWithAndWithoutHash(t *testing.T) {
	p := testPlan(t)
	cases := []struct {
		dialled string
		code    CodeID
		arg     string
		target  Kind
		number  string
	}{
		{"*60", CodeVMMain, "", KindNone, ""},
		{"*61", CodeVMMy, "", KindNone, ""},
		{"*8", CodePickupGroup, "", KindNone, ""},
		{"**102", CodePickupDirect, "102", KindExtension, "102"},
		{"**899", CodePickupDirect, "899", KindExtension, "899"},
		{"*76", CodeBlacklistLast, "", KindNone, ""},
		{"*75", CodeBlacklistAdd, "", KindNone, ""},
		{"*075", CodeBlacklistDel, "", KindNone, ""},
		{"*90410", CodeSpyListen, "410", KindExtension, "410"},
		{"*91102", CodeSpyWhisper, "102", KindExtension, "102"},
		{"*92100", CodeSpyBarge, "100", KindExtension, "100"},
		{"*93600", CodeQueueLogin, "600", KindQueue, "600"},
		{"*093601", CodeQueueLogout, "601", KindQueue, "601"},
		{"*95", CodeQueuePause, "", KindNone, ""},
		{"*095", CodeQueueResume, "", KindNone, ""},
		{"*55", CodeWakeupMenu, "", KindNone, ""},
		{"*55*03010730", CodeWakeupAdd, "03010730", KindNone, ""},
		{"*55*02290000", CodeWakeupAdd, "02290000", KindNone, ""},
		{"*55*12312359", CodeWakeupAdd, "12312359", KindNone, ""},
		{"*055", CodeWakeupCancelAll, "", KindNone, ""},
		{"*71803", CodeFwdAll, "803", KindExtension, "803"},
		{"*719855307096", CodeFwdAll, "9855307096", KindExternal, "855307096"},
		{"*71600", CodeFwdAll, "600", KindQueue, "600"},
		{"*71650", CodeFwdAll, "650", KindRingGroup, "650"},
		{"*071", CodeFwdAllOff, "", KindNone, ""},
		{"*72102", CodeFwdBusy, "102", KindExtension, "102"},
		{"*729123", CodeFwdBusy, "9123", KindExternal, "123"},
		{"*072", CodeFwdBusyOff, "", KindNone, ""},
		{"*73102", CodeFwdNoAnswer, "102", KindExtension, "102"},
		{"*073", CodeFwdNoAnswerOff, "", KindNone, ""},
		{"*74", CodeDNDOn, "", KindNone, ""},
		{"*074", CodeDNDOff, "", KindNone, ""},
		{"**11", CodeAnnounceWAN, "", KindNone, ""},
		{"**12", CodeAnnounceLAN, "", KindNone, ""},
		{"**13", CodeAnnounceExt, "", KindNone, ""},
		{"*50102", CodeIntercom, "102", KindExtension, "102"},
		{"*51102", CodePage, "102", KindExtension, "102"},
	}
	covered := map[CodeID]bool{}
	for _, tc := range cases {
		covered[tc.code] = true
		withAndWithoutHash(t, tc.dialled, func(t *testing.T, d string) {
			r, err := p.Route(d, phone101)
			if err != nil {
				t.Fatalf("Route(%q) = %v", d, err)
			}
			if r.Kind != KindFeatureCode || r.Code != tc.code || r.Arg != tc.arg || r.Target != tc.target || r.Number != tc.number {
				t.Fatalf("Route(%q) = %+v, want code %s arg %q target %v number %q", d, r, tc.code, tc.arg, tc.target, tc.number)
			}
			if r.Dialled != tc.dialled {
				t.Fatalf("Dialled = %q, want %q", r.Dialled, tc.dialled)
			}
		})
	}
	for _, id := range AllCodes() {
		if !covered[id] {
			t.Errorf("code %s has no case", id)
		}
	}
}

func TestFeatureCodeWrongFormsAreRejectedWithTheirReason(t *testing.T) {
	p := testPlan(t)
	cases := []struct {
		dialled string
		want    error
	}{
		{"*71#", ErrIncomplete}, // forward without a number
		{"*71abc#", ErrInvalidCharacters},
		{"*71*5#", ErrBadArgument},        // '*' inside the argument
		{"*71101#", ErrBadArgument},       // forward to oneself
		{"*7141#", ErrBadArgument},        // parking slot is no forwarding target
		{"*7199#", ErrBadArgument},        // conference room neither
		{"*71112#", ErrBadArgument},       // emergency number neither
		{"*7112#", ErrBadArgument},        // not a number of the plan
		{"*719#", ErrBadArgument},         // prefix without a number
		{"*7198#", ErrBadArgument},        // prefix with too few digits
		{"*71855307096#", ErrBadArgument}, // external target without the outbound prefix
		{"*72#", ErrIncomplete},
		{"*73#", ErrIncomplete},
		{"*90#", ErrIncomplete},
		{"*90999#", ErrBadArgument}, // extension out of range
		{"*9099#", ErrBadArgument},  // a room, not an extension
		{"*90112#", ErrBadArgument}, // emergency, never an extension
		{"*90600#", ErrBadArgument}, // a queue, not an extension
		{"*90101#", ErrBadArgument}, // spying on oneself
		{"*900101#", ErrBadArgument},
		{"*91#", ErrIncomplete},
		{"*92#", ErrIncomplete},
		{"*9#", ErrIncomplete}, // the start of *90..*95
		{"*7#", ErrIncomplete},
		{"*0#", ErrIncomplete}, // the start of *071 ...
		{"*99#", ErrUnknownCode},
		{"*1#", ErrUnknownCode},
		{"*#", ErrIncomplete}, // '*' alone starts every code
		{"*93#", ErrIncomplete},
		{"*93101#", ErrBadArgument}, // not a queue
		{"*93650#", ErrBadArgument}, // a ring group, not a queue
		{"*093#", ErrIncomplete},
		{"*55*#", ErrIncomplete},
		{"*55*0301073#", ErrBadArgument},
		{"*55*030107300#", ErrBadArgument},
		{"*55*02300730#", ErrBadArgument}, // 30 February
		{"*55*13010730#", ErrBadArgument},
		{"*55*03012430#", ErrBadArgument},
		{"*55*03010760#", ErrBadArgument},
		{"*5#", ErrIncomplete},
		{"*50#", ErrIncomplete},
		{"*51#", ErrIncomplete},
		{"*50101#", ErrBadArgument}, // intercom to oneself
		{"*51950#", ErrBadArgument},
		{"**#", ErrIncomplete},
		{"**1#", ErrBadArgument},  // "**" + "1": no extension 1
		{"**14#", ErrBadArgument}, // not an announce code, not an extension
		{"**999#", ErrBadArgument},
		{"*74##", ErrInvalidCharacters},
		{"*7#4", ErrInvalidCharacters},
		{"*74 #", ErrInvalidCharacters},
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
			if r != (Route{}) {
				t.Fatalf("a rejection returned route %+v", r)
			}
		})
	}
}

func TestAnnounceCodesWinOverDirectPickup(t *testing.T) {
	p := testPlan(t)
	for _, d := range []string{"**11#", "**12#", "**13#"} {
		r, err := p.Route(d, phone101)
		if err != nil || r.Code == CodePickupDirect {
			t.Fatalf("Route(%q) = %+v, %v; want an announce code", d, r, err)
		}
	}
	r, err := p.Route("**110#", phone101)
	if err != nil || r.Code != CodePickupDirect || r.Arg != "110" {
		t.Fatalf("Route(**110#) = %+v, %v; want pickup of 110", r, err)
	}
}

func TestFeatureCodesNeedACallingExtensionAndAreRefusedFromTheTrunk(t *testing.T) {
	p := testPlan(t)
	for _, d := range []string{"*74#", "*71102#", "**13#"} {
		_, err := p.Route(d, Caller{Origin: OriginPhone})
		if sentinelOf(t, err) != ErrNotAllowed {
			t.Fatalf("Route(%q) without extension = %v, want ErrNotAllowed", d, err)
		}
		_, err = p.Route(d, trunk)
		if sentinelOf(t, err) != ErrNotAllowed {
			t.Fatalf("Route(%q) from trunk = %v, want ErrNotAllowed", d, err)
		}
	}
	r, err := p.Route("*74#", Caller{Extension: "101", Origin: OriginBrowser})
	if err != nil || r.Code != CodeDNDOn {
		t.Fatalf("Route(*74#) from browser = %+v, %v", r, err)
	}
}

func TestForwardToExternalNumberFollowsOutboundClass(t *testing.T) {
	p := testPlan(t)
	internalOnly := Caller{Extension: "101", Origin: OriginPhone, Class: ClassInternal}
	if _, err := p.Route("*719855307096#", internalOnly); sentinelOf(t, err) != ErrNotAllowed {
		t.Fatalf("internal-only forward outside = %v, want ErrNotAllowed", err)
	}
	if _, err := p.Route("*7190044201234567#", phone101); sentinelOf(t, err) != ErrNotAllowed {
		t.Fatalf("national forward abroad = %v, want ErrNotAllowed", err)
	}
	intl := Caller{Extension: "101", Origin: OriginPhone, Class: ClassInternational}
	r, err := p.Route("*7190044201234567#", intl)
	if err != nil || r.Target != KindExternal || r.Number != "+44201234567" || r.Digits != "0044201234567" || r.Scope != ScopeInternational {
		t.Fatalf("international forward = %+v, %v", r, err)
	}
}

func TestEveryCodeIsConfigurableAndCanBeDisabled(t *testing.T) {
	c := testConfig()
	c.Codes = map[CodeID]string{CodeDNDOn: "*78", CodeFwdAll: "*21", CodePickupDirect: ""}
	p, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := p.Route("*78#", phone101); err != nil || r.Code != CodeDNDOn {
		t.Fatalf("*78# = %+v, %v", r, err)
	}
	if _, err := p.Route("*74#", phone101); sentinelOf(t, err) != ErrUnknownCode {
		t.Fatalf("old *74# = %v, want ErrUnknownCode", err)
	}
	if r, err := p.Route("*21102#", phone101); err != nil || r.Code != CodeFwdAll || r.Arg != "102" {
		t.Fatalf("*21102# = %+v, %v", r, err)
	}
	if _, err := p.Route("**102#", phone101); sentinelOf(t, err) != ErrUnknownCode {
		t.Fatalf("disabled pickup **102# = %v, want ErrUnknownCode", err)
	}
	if p.Code(CodePickupDirect) != "" || p.Code(CodeDNDOn) != "*78" || p.Code(CodeDNDOff) != "*074" {
		t.Fatalf("Code() does not report the effective codes")
	}
	for _, id := range AllCodes() {
		c := testConfig()
		c.Codes = map[CodeID]string{id: "*4444"}
		p, err := New(c)
		if err != nil {
			t.Fatalf("moving %s to *4444: %v", id, err)
		}
		d := "*4444"
		if spec, _ := specOf(id); id.TakesArgument() {
			d += map[argKind]string{argExtension: "102", argTarget: "102", argQueue: "600", argWakeup: "03010730"}[spec.arg]
		}
		if r, err := p.Route(d+"#", phone101); err != nil || r.Code != id {
			t.Fatalf("%s moved to *4444: Route(%q) = %+v, %v", id, d, r, err)
		}
	}
}

func TestCodeFeatureNamesTheCatalogueEntry(t *testing.T) {
	for id, want := range map[CodeID]string{CodeDNDOff: "FC-DND", CodeFwdAllOff: "FC-FWD-ALL",
		CodeQueuePause: "FC-QUEUE", CodeWakeupAdd: "FC-WAKEUP", CodeAnnounceExt: "FC-ANNOUNCE", CodeID("x"): ""} {
		if got := id.Feature(); got != want {
			t.Errorf("%s.Feature() = %q, want %q", id, got, want)
		}
	}
}
