package dialplan

import (
	"errors"
	"fmt"
)

// Dial strings are built from validated pieces only: an endpoint number is
// 2 to 6 digits, a number sent to the trunk is an optional '+' and 2 to 24
// digits, a trunk name is 1 to 40 of A-Z a-z 0-9 '_' '-'. No piece can
// carry '&', ',', '/', '@', ':' or a technology prefix, so nothing a user or
// a caller id supplies can add a second destination or pick another channel
// technology.

// ErrUnsafeDialString is wrapped when a piece of a dial string fails validation.
var ErrUnsafeDialString = errors.New("dialplan: unsafe dial string")

// ErrNotDialled is returned for routes that are not reached by dialling a
// channel (queues, ring groups, slots, rooms, codes without a destination).
var ErrNotDialled = errors.New("dialplan: route has no dial string")

// EndpointDialString returns "PJSIP/<number>" for an extension's desk
// phones, or "PJSIP/<number>-web" for its browser.
func EndpointDialString(number string, browser bool) (string, error) {
	if !digitString(number, 2, 6) {
		return "", fmt.Errorf("%w: endpoint number %q must be 2 to 6 digits", ErrUnsafeDialString, number)
	}
	if browser {
		return "PJSIP/" + number + "-web", nil
	}
	return "PJSIP/" + number, nil
}

// TrunkDialString returns "PJSIP/<digits>@<trunk>": digits sent through the
// SIP trunk endpoint named trunk. digits may start with '+' (E.164 trunks).
func TrunkDialString(trunk, digits string) (string, error) {
	if !validTrunkName(trunk) {
		return "", fmt.Errorf("%w: trunk name %q must be 1 to 40 of A-Z a-z 0-9 _ -", ErrUnsafeDialString, trunk)
	}
	d := digits
	if len(d) > 0 && d[0] == '+' {
		d = d[1:]
	}
	if !digitString(d, 2, 24) {
		return "", fmt.Errorf("%w: number %q must be an optional '+' and 2 to 24 digits", ErrUnsafeDialString, digits)
	}
	return "PJSIP/" + digits + "@" + trunk, nil
}

// DialString returns the dial string that reaches the route: the extension's
// endpoint for extensions (and feature codes whose target is one), the trunk
// with Digits for external and emergency numbers (and forward targets that
// are external). Other routes give ErrNotDialled. The route's fields are
// validated again, so a hand-made Route cannot smuggle anything in.
func (r Route) DialString(trunk string) (string, error) {
	kind := r.Kind
	if kind == KindFeatureCode {
		kind = r.Target
	}
	switch kind {
	case KindExtension:
		return EndpointDialString(r.Number, false)
	case KindExternal, KindEmergency:
		return TrunkDialString(trunk, r.Digits)
	}
	return "", fmt.Errorf("%w: %v", ErrNotDialled, kind)
}

func validTrunkName(s string) bool {
	if len(s) < 1 || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-') {
			return false
		}
	}
	return true
}
