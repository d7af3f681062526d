package dialplan

import "fmt"

// Kind is what a dialled string reaches.
type Kind uint8

// The route kinds.
const (
	KindNone           Kind = iota // no route (zero value)
	KindExtension                  // an extension of the plan
	KindRingGroup                  // a ring group number
	KindQueue                      // a queue number
	KindExternal                   // an external number through the trunk
	KindEmergency                  // an emergency number through the trunk
	KindFeatureCode                // a feature code (FEATURES.md section 2)
	KindParkingSlot                // a parking slot: retrieve the parked call
	KindConferenceRoom             // a conference room
)

var kindNames = [...]string{"none", "extension", "ring group", "queue", "external number",
	"emergency number", "feature code", "parking slot", "conference room"}

// String names the kind in words ("ring group").
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Origin is where a call entered the app: the second Stasis argument.
type Origin string

// The origins of architecture.md.
const (
	OriginPhone   Origin = "phone"
	OriginBrowser Origin = "browser"
	OriginTrunk   Origin = "trunk"
)

func (o Origin) valid() bool { return o == OriginPhone || o == OriginBrowser || o == OriginTrunk }

// ParseOrigin reads the origin argument of Stasis(switchboard,<origin>,${EXTEN}).
func ParseOrigin(s string) (Origin, error) {
	if o := Origin(s); o.valid() {
		return o, nil
	}
	return "", fmt.Errorf("%w: origin %q (want phone, browser or trunk)", ErrNotAllowed, s)
}

// Class is an extension's outbound class. The zero value is the default,
// national.
type Class uint8

// The outbound classes.
const (
	ClassNational      Class = iota // national calls, not international (default)
	ClassInternal                   // internal numbers and emergency only
	ClassInternational              // everything
)

// String names the class as in configuration ("internal").
func (c Class) String() string {
	switch c {
	case ClassInternal:
		return "internal"
	case ClassInternational:
		return "international"
	case ClassNational:
		return "national"
	}
	return fmt.Sprintf("class(%d)", uint8(c))
}

// ParseClass reads "internal", "national" or "international"; "" is national.
func ParseClass(s string) (Class, error) {
	switch s {
	case "internal":
		return ClassInternal, nil
	case "national", "":
		return ClassNational, nil
	case "international":
		return ClassInternational, nil
	}
	return 0, fmt.Errorf("%w: outbound class %q (want internal, national or international)", ErrBadArgument, s)
}

// Scope is how far a destination reaches, checked against the caller's Class.
type Scope uint8

// The scopes.
const (
	ScopeInternal      Scope = iota // inside the PBX
	ScopeNational                   // an external number in the own country
	ScopeInternational              // an external number abroad
)

// String names the scope.
func (s Scope) String() string {
	switch s {
	case ScopeInternal:
		return "internal"
	case ScopeNational:
		return "national"
	case ScopeInternational:
		return "international"
	}
	return fmt.Sprintf("scope(%d)", uint8(s))
}

// Allows reports whether an extension of class c may call a destination of scope s.
// Emergency numbers are not checked against it: they are always allowed.
func (c Class) Allows(s Scope) bool {
	switch c {
	case ClassInternal:
		return s == ScopeInternal
	case ClassNational:
		return s != ScopeInternational
	case ClassInternational:
		return true
	}
	return false
}

// Caller is the context a dialled string is routed in.
type Caller struct {
	// Extension is the caller's own extension ("" for calls from the trunk).
	Extension string
	// Origin is where the call entered: phone, browser or trunk.
	Origin Origin
	// Class is the caller's outbound class.
	Class Class
}
