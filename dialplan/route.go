package dialplan

import "strings"

// Route is where a dialled string goes. Which fields are set depends on Kind:
//
//   - Extension, RingGroup, Queue, ParkingSlot, ConferenceRoom: Number = Digits = the number.
//   - External: Number = the canonical number (E.164 with a country code),
//     Digits = what follows the outbound prefix, Scope = national or international.
//   - Emergency: Number = Digits = the emergency number (prefix removed).
//   - FeatureCode: Code and Arg (the validated digits after the code: target,
//     extension, queue or MMDDHHMM). When Arg names a destination (forward
//     target, spied/paged/picked-up extension, queue), Target is its kind and
//     Number, Digits and Scope describe it as for that kind.
type Route struct {
	Kind    Kind   // what the dialled string reaches
	Dialled string // the dialled string without its closing '#'
	Code    CodeID // the feature code (KindFeatureCode only)
	Arg     string // the code's validated argument digits, "" if it takes none
	Target  Kind   // the kind of destination Arg names (KindNone if none)
	Number  string // canonical number of the destination (see above)
	Digits  string // digits to dial for the destination (see above)
	Scope   Scope  // internal, national or international
}

// maxDialled bounds the dialled string; longer input is rejected unread.
const maxDialled = 40

// Route decides where dialled goes for caller. A closing '#' is optional.
// Rejections are *RouteError values wrapping one of the sentinels ErrEmpty,
// ErrInvalidCharacters, ErrTooLong, ErrUnknownNumber, ErrUnknownCode,
// ErrIncomplete, ErrBadArgument or ErrNotAllowed. Emergency numbers are
// allowed whatever the caller's class; a restricted class gets ErrNotAllowed
// for external numbers beyond it. From the trunk only extensions, ring
// groups, queues and conference rooms are reachable.
func (p *Plan) Route(dialled string, c Caller) (Route, error) {
	if dialled == "" {
		return reject(dialled, "", ErrEmpty, "nothing was dialled")
	}
	if len(dialled) > maxDialled {
		return reject(dialled, "", ErrTooLong, "more than %d characters", maxDialled)
	}
	s := strings.TrimSuffix(dialled, "#")
	if s == "" {
		return reject(dialled, "", ErrEmpty, "only '#' was dialled")
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; (ch < '0' || ch > '9') && ch != '*' {
			if ch == '#' {
				return reject(dialled, "", ErrInvalidCharacters, "'#' may only close the number")
			}
			return reject(dialled, "", ErrInvalidCharacters, "only digits, '*' and a closing '#' may be dialled")
		}
	}
	if !c.Origin.valid() {
		return reject(dialled, "", ErrNotAllowed, "unknown origin %q", c.Origin)
	}
	if s[0] == '*' {
		return p.routeCode(s, c)
	}
	if strings.IndexByte(s, '*') >= 0 {
		return reject(dialled, "", ErrInvalidCharacters, "'*' belongs only in feature codes")
	}
	return p.routeNumber(s, c)
}

func (p *Plan) routeNumber(s string, c Caller) (Route, error) {
	trunk := c.Origin == OriginTrunk
	pre := p.cfg.OutboundPrefix
	emergency := ""
	if p.IsEmergency(s) {
		emergency = s
	} else if rest, ok := strings.CutPrefix(s, pre); ok && p.IsEmergency(rest) {
		emergency = rest
	}
	if emergency != "" {
		if trunk {
			return reject(s, "", ErrNotAllowed, "emergency number %s cannot be reached from the trunk", emergency)
		}
		return Route{Kind: KindEmergency, Dialled: s, Number: emergency, Digits: emergency, Scope: ScopeNational}, nil
	}
	if k, ok := p.groups[s]; ok {
		return Route{Kind: k, Dialled: s, Number: s, Digits: s}, nil
	}
	if n, ok := parseInternal(s); ok {
		kind := KindNone
		switch {
		case p.cfg.Extensions.contains(n):
			kind = KindExtension
		case p.cfg.Conference.contains(n):
			kind = KindConferenceRoom
		case p.cfg.Parking.contains(n):
			kind = KindParkingSlot
			if trunk {
				return reject(s, "", ErrNotAllowed, "parking slot %s cannot be reached from the trunk", s)
			}
		}
		if kind != KindNone {
			return Route{Kind: kind, Dialled: s, Number: s, Digits: s}, nil
		}
	}
	rest, ok := strings.CutPrefix(s, pre)
	if !ok {
		return reject(s, "", ErrUnknownNumber, "not a number of the plan (extensions %v, parking %v, rooms %v, outbound prefix %s)",
			p.cfg.Extensions, p.cfg.Parking, p.cfg.Conference, pre)
	}
	if trunk {
		return reject(s, "", ErrNotAllowed, "external numbers cannot be dialled from the trunk")
	}
	switch {
	case len(rest) < p.cfg.MinExternalDigits:
		return reject(s, "", ErrIncomplete, "outbound prefix %s needs at least %d more digits", pre, p.cfg.MinExternalDigits)
	case len(rest) > p.cfg.MaxExternalDigits:
		return reject(s, "", ErrTooLong, "external numbers have at most %d digits", p.cfg.MaxExternalDigits)
	}
	number, scope, err := p.canonicalDigits(rest)
	if err != nil {
		return reject(s, "", errSentinel(err), "external number %s: %s", rest, errDetail(err))
	}
	if !c.Class.Allows(scope) {
		return reject(s, "", ErrNotAllowed, "outbound class %v does not allow %v number %s", c.Class, scope, number)
	}
	return Route{Kind: KindExternal, Dialled: s, Number: number, Digits: rest, Scope: scope}, nil
}

func (p *Plan) routeCode(s string, c Caller) (Route, error) {
	if c.Origin == OriginTrunk {
		return reject(s, "", ErrNotAllowed, "feature codes cannot be dialled from the trunk")
	}
	if id, ok := p.exact[s]; ok {
		if c.Extension == "" {
			return reject(s, id, ErrNotAllowed, "%s needs a calling extension", id)
		}
		return Route{Kind: KindFeatureCode, Dialled: s, Code: id}, nil
	}
	for _, ac := range p.withArg {
		arg, ok := strings.CutPrefix(s, ac.code)
		if !ok {
			continue
		}
		if c.Extension == "" {
			return reject(s, ac.spec.id, ErrNotAllowed, "%s needs a calling extension", ac.spec.id)
		}
		if arg == "" {
			return reject(s, ac.spec.id, ErrIncomplete, "%s needs %s after %s", ac.spec.id, ac.spec.arg, ac.code)
		}
		return p.codeWithArg(s, ac, arg, c)
	}
	for _, spec := range codeTable { // catalogue order keeps the message stable
		if code, ok := p.codes[spec.id]; ok && strings.HasPrefix(code, s) {
			return reject(s, "", ErrIncomplete, "%s is only the start of feature code %s (%s)", s, code, spec.id)
		}
	}
	return reject(s, "", ErrUnknownCode, "no feature code %s", s)
}

func (p *Plan) codeWithArg(s string, ac argCode, arg string, c Caller) (Route, error) {
	id := ac.spec.id
	if !allDigits(arg) {
		return reject(s, id, ErrBadArgument, "%s takes %s after %s, digits only", id, ac.spec.arg, ac.code)
	}
	r := Route{Kind: KindFeatureCode, Dialled: s, Code: id, Arg: arg}
	switch ac.spec.arg {
	case argExtension:
		if !p.isPlainExtension(arg) {
			return reject(s, id, ErrBadArgument, "%s: %s is not an extension (extensions %v)", id, arg, p.cfg.Extensions)
		}
		if arg == c.Extension {
			return reject(s, id, ErrBadArgument, "%s: %s is the caller's own extension", id, arg)
		}
		r.Target, r.Number, r.Digits = KindExtension, arg, arg
	case argQueue:
		if p.groups[arg] != KindQueue {
			return reject(s, id, ErrBadArgument, "%s: %s is not a queue", id, arg)
		}
		r.Target, r.Number, r.Digits = KindQueue, arg, arg
	case argTarget:
		t, err := p.routeNumber(arg, c)
		if err != nil {
			sentinel := ErrBadArgument
			if errSentinel(err) == ErrNotAllowed {
				sentinel = ErrNotAllowed
			}
			return reject(s, id, sentinel, "%s target %s: %s", id, arg, errDetail(err))
		}
		switch t.Kind {
		case KindExtension, KindRingGroup, KindQueue, KindExternal:
		default:
			return reject(s, id, ErrBadArgument, "%s: cannot forward to %v %s", id, t.Kind, arg)
		}
		if t.Kind == KindExtension && arg == c.Extension {
			return reject(s, id, ErrBadArgument, "%s: cannot forward %s to itself", id, arg)
		}
		r.Target, r.Number, r.Digits, r.Scope = t.Kind, t.Number, t.Digits, t.Scope
	case argWakeup:
		if _, _, _, _, err := ParseWakeup(arg); err != nil {
			return reject(s, id, ErrBadArgument, "%s: %s", id, errDetail(err))
		}
	}
	return r, nil
}

// isPlainExtension is CheckExtensionNumber without building an error.
func (p *Plan) isPlainExtension(s string) bool {
	n, ok := parseInternal(s)
	if !ok || !p.cfg.Extensions.contains(n) || p.IsEmergency(s) {
		return false
	}
	_, group := p.groups[s]
	return !group
}
