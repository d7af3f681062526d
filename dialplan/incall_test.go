package dialplan

import (
	"strings"
	"testing"
)

// feed presses every key of keys and reports matches, forwarded digits and
// whether digits are still held at the end.
func feed(m *InCallMatcher, keys string) (matches []InCallID, forwarded string, pending bool) {
	var fwd strings.Builder
	for i := 0; i < len(keys); i++ {
		r := m.Feed(keys[i])
		fwd.WriteString(r.Forward)
		if r.Match != "" {
			matches = append(matches, r.Match)
		}
		pending = r.Pending
	}
	return matches, fwd.String(), pending
}

func TestInCallCodesFireAndAreNotForwarded(t *testing.T) {
	p := testPlan(t)
	cases := []struct {
		keys    string
		matches []InCallID
		fwd     string
		pending bool
	}{
		{"*4", []InCallID{InCallPark}, "", false},
		{"#", []InCallID{InCallBlind}, "", false},
		{"*2", []InCallID{InCallAttended}, "", false},
		{"*1", []InCallID{InCallRecord}, "", false},
		{"*0", []InCallID{InCallAdhocConf}, "", false},
		{"5", nil, "5", false},
		{"123", nil, "123", false},
		{"*5", nil, "*5", false},
		{"**2", []InCallID{InCallAttended}, "*", false},
		{"1*0", []InCallID{InCallAdhocConf}, "1", false},
		{"*", nil, "", true},
		{"A*", nil, "A", true},
		{"*1*1", []InCallID{InCallRecord, InCallRecord}, "", false},
		{"9#", []InCallID{InCallBlind}, "9", false},
		{"*d", nil, "*D", false},
		{"*x4", []InCallID{InCallPark}, "", false}, // a non-DTMF byte is dropped
	}
	for _, tc := range cases {
		m := p.NewInCallMatcher()
		matches, fwd, pending := feed(m, tc.keys)
		if strings.Join(ids(matches), ",") != strings.Join(ids(tc.matches), ",") || fwd != tc.fwd || pending != tc.pending {
			t.Errorf("keys %q: matches %v forwarded %q pending %v; want %v %q %v",
				tc.keys, matches, fwd, pending, tc.matches, tc.fwd, tc.pending)
		}
		if pending != m.Pending() {
			t.Errorf("keys %q: Pending() disagrees with the last result", tc.keys)
		}
	}
}

func ids(in []InCallID) []string {
	out := make([]string, len(in))
	for i, id := range in {
		out[i] = string(id)
	}
	return out
}

func TestInCallTimeoutReleasesHeldDigits(t *testing.T) {
	m := testPlan(t).NewInCallMatcher()
	if r := m.Feed('*'); !r.Pending || r.Forward != "" {
		t.Fatalf("'*' = %+v, want held", r)
	}
	if held := m.Timeout(); held != "*" || m.Pending() {
		t.Fatalf("Timeout() = %q, pending %v", held, m.Pending())
	}
	if r := m.Feed('4'); r.Match != "" || r.Forward != "4" {
		t.Fatalf("'4' after the timeout = %+v, want it forwarded", r)
	}
}

func TestInCallLongerCodesRetryFromTheNextDigit(t *testing.T) {
	c := testConfig()
	c.InCall = map[InCallID]string{InCallPark: "*44", InCallBlind: "##", InCallRecord: "*#1"}
	m := MustNew(c).NewInCallMatcher()
	matches, fwd, pending := feed(m, "*4*44")
	if len(matches) != 1 || matches[0] != InCallPark || fwd != "*4" || pending {
		t.Fatalf("*4*44: %v %q %v", matches, fwd, pending)
	}
	matches, fwd, _ = feed(m, "#*##")
	if len(matches) != 1 || matches[0] != InCallBlind || fwd != "#*" {
		t.Fatalf("#*##: %v %q", matches, fwd)
	}
	if r := m.Feed('#'); !r.Pending {
		t.Fatalf("'#' should wait: ## is a code now")
	}
}

func TestDisabledInCallCodePassesThrough(t *testing.T) {
	c := testConfig()
	c.InCall = map[InCallID]string{InCallBlind: ""}
	p := MustNew(c)
	if p.InCallCode(InCallBlind) != "" || p.InCallCode(InCallPark) != "*4" {
		t.Fatal("InCallCode does not report the effective codes")
	}
	if _, fwd, _ := feed(p.NewInCallMatcher(), "#"); fwd != "#" {
		t.Fatalf("'#' with blind transfer off was held or matched: %q", fwd)
	}
}
