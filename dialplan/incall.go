package dialplan

// InCallMatcher recognises in-call codes (IC-PARK *4, IC-BLIND #, …) in the
// DTMF digits one leg presses during a call. It holds back the digits that
// may start a code, so that with the leg added to its bridge with
// absorbDTMF=true the core forwards only Forward digits to the far end
// (POST /channels/{peer}/dtmf) and the digits of a code never reach it.
//
// Feed it every digit in order. When a result is Pending, arm an inter-digit
// timer (about 1.5 s, from internal/clock); when it fires, send Timeout's
// digits on. One matcher per leg; it is not safe for concurrent use.
type InCallMatcher struct {
	codes []inCallCode
	buf   []byte
}

// InCallResult is what one digit did.
type InCallResult struct {
	// Match is the code this digit completed, or "".
	Match InCallID
	// Forward holds digits to pass to the far end now, in order (often "").
	Forward string
	// Pending says digits are held back waiting for the rest of a code.
	Pending bool
}

// NewInCallMatcher returns a matcher for the plan's in-call codes.
func (p *Plan) NewInCallMatcher() *InCallMatcher {
	return &InCallMatcher{codes: p.inCall, buf: make([]byte, 0, 8)}
}

// Feed takes one DTMF digit (0-9, A-D, '*', '#'; a-d are taken as A-D).
// Anything else is dropped: it is neither matched nor forwarded.
func (m *InCallMatcher) Feed(digit byte) InCallResult {
	if digit >= 'a' && digit <= 'd' {
		digit -= 'a' - 'A'
	}
	if !isDTMF(digit) {
		return InCallResult{Pending: len(m.buf) > 0}
	}
	m.buf = append(m.buf, digit)
	// Find the earliest position from which the held digits still match a
	// code, or start one; everything before it goes to the far end.
	for start := 0; start < len(m.buf); start++ {
		id, prefix := m.lookup(m.buf[start:])
		if id == "" && !prefix {
			continue
		}
		forward := string(m.buf[:start])
		if id != "" {
			m.buf = m.buf[:0]
			return InCallResult{Match: id, Forward: forward}
		}
		n := copy(m.buf, m.buf[start:])
		m.buf = m.buf[:n]
		return InCallResult{Forward: forward, Pending: true}
	}
	forward := string(m.buf)
	m.buf = m.buf[:0]
	return InCallResult{Forward: forward}
}

// Timeout ends a pending sequence after the inter-digit timeout and returns
// the held digits, which the caller sends on to the far end.
func (m *InCallMatcher) Timeout() string {
	held := string(m.buf)
	m.buf = m.buf[:0]
	return held
}

// Pending reports whether digits are held back.
func (m *InCallMatcher) Pending() bool { return len(m.buf) > 0 }

// lookup reports the code s equals, or whether s is the start of a code.
// Validate guarantees no code starts another, so a match is never ambiguous.
func (m *InCallMatcher) lookup(s []byte) (InCallID, bool) {
	prefix := false
	for _, c := range m.codes {
		if len(s) > len(c.code) || string(s) != c.code[:len(s)] {
			continue
		}
		if len(s) == len(c.code) {
			return c.id, false
		}
		prefix = true
	}
	return "", prefix
}

func isDTMF(ch byte) bool {
	return ch >= '0' && ch <= '9' || ch >= 'A' && ch <= 'D' || ch == '*' || ch == '#'
}
