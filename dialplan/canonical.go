package dialplan

import "strings"

// maxE164 is the most digits an E.164 number has after the '+'.
const maxE164 = 15

// The canonical form of a number, used by blacklist, phonebook and call
// records so that they agree however a number was dialled or presented:
//
//   - internal numbers (extensions, queues, ring groups, slots, rooms) and
//     emergency numbers stay as they are ("101", "112");
//   - external numbers become E.164 ("+4930123456") when a country code is
//     configured: the international prefix becomes '+', the national prefix
//     becomes '+' and the country code, and a number without either gets
//     '+', the country code and the area code (if one is configured);
//   - without a country code, international numbers still become '+...'
//     and national numbers stay in national form ("030123456").
//
// Three entry points differ only in what they accept.

// CanonicalDialled brings digits dialled on a phone to canonical form: the
// outbound prefix is required for, and removed from, external numbers; a
// closing '#' is allowed; nothing but digits is. It is the form for forward
// targets and numbers typed after FC-BL-ADD.
func (p *Plan) CanonicalDialled(dialled string) (string, error) {
	s := strings.TrimSuffix(dialled, "#")
	if err := p.checkStrict(dialled, s); err != nil {
		return "", err
	}
	if p.isInternal(s) {
		return s, nil
	}
	pre := p.cfg.OutboundPrefix
	rest, ok := strings.CutPrefix(s, pre)
	switch {
	case ok && p.IsEmergency(rest):
		return rest, nil
	case !ok:
		return "", canonErr(dialled, ErrUnknownNumber, "not internal and without outbound prefix %s", pre)
	case len(rest) < p.cfg.MinExternalDigits:
		return "", canonErr(dialled, ErrIncomplete, "outbound prefix %s needs at least %d more digits", pre, p.cfg.MinExternalDigits)
	case len(rest) > p.cfg.MaxExternalDigits:
		return "", canonErr(dialled, ErrTooLong, "external numbers have at most %d digits", p.cfg.MaxExternalDigits)
	}
	number, _, err := p.canonicalDigits(rest)
	return number, err
}

// CanonicalCallerID brings a number presented by the trunk or a phone
// (caller id, DID) to canonical form: "+" and digits (E.164) or digits
// only; no outbound prefix is expected or removed.
func (p *Plan) CanonicalCallerID(number string) (string, error) {
	if number == "" {
		return "", canonErr(number, ErrEmpty, "no number")
	}
	if len(number) > maxDialled {
		return "", canonErr(number, ErrTooLong, "more than %d characters", maxDialled)
	}
	if intl, ok := strings.CutPrefix(number, "+"); ok {
		if !allDigits(intl) {
			return "", canonErr(number, ErrInvalidCharacters, "only digits may follow '+'")
		}
		return e164(number, intl)
	}
	if !allDigits(number) {
		return "", canonErr(number, ErrInvalidCharacters, "only digits and a leading '+' are accepted")
	}
	if p.isInternal(number) {
		return number, nil
	}
	s, _, err := p.canonicalDigits(number)
	return s, err
}

// Normalize brings a number typed by a person (portal, phonebook, import) to
// canonical form. It accepts spaces, dashes, dots, slashes and parentheses,
// a leading '+', and the "+49 (0)30 ..." habit of writing the national
// prefix in parentheses; letters are refused. No outbound prefix is removed.
func (p *Plan) Normalize(human string) (string, error) {
	s := strings.TrimSpace(human)
	if strings.HasPrefix(s, "+") {
		s = strings.Replace(s, "(0)", "", 1)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			b.WriteByte(ch)
		case ch == '+' && b.Len() == 0 && i == strings.IndexByte(s, '+'):
			b.WriteByte(ch)
		case ch == ' ' || ch == '-' || ch == '.' || ch == '/' || ch == '(' || ch == ')' || ch == '\t':
		default:
			return "", canonErr(human, ErrInvalidCharacters, "only digits, a leading '+', spaces, '-', '.', '/' and parentheses are accepted")
		}
	}
	return p.CanonicalCallerID(b.String())
}

// checkStrict validates a dialled string (s is it without its closing '#').
func (p *Plan) checkStrict(dialled, s string) error {
	switch {
	case s == "":
		return canonErr(dialled, ErrEmpty, "no number")
	case len(dialled) > maxDialled:
		return canonErr(dialled, ErrTooLong, "more than %d characters", maxDialled)
	case !allDigits(s):
		return canonErr(dialled, ErrInvalidCharacters, "only digits and a closing '#' are accepted")
	}
	return nil
}

// isInternal reports whether s is a number inside the PBX or an emergency number.
func (p *Plan) isInternal(s string) bool {
	if p.IsEmergency(s) {
		return true
	}
	if _, ok := p.groups[s]; ok {
		return true
	}
	n, ok := parseInternal(s)
	return ok && (p.cfg.Extensions.contains(n) || p.cfg.Parking.contains(n) || p.cfg.Conference.contains(n))
}

// canonicalDigits canonicalises an external number given as digits without
// the outbound prefix, and tells whether it is national or international.
func (p *Plan) canonicalDigits(d string) (string, Scope, error) {
	if len(d) > p.cfg.MaxExternalDigits {
		return "", 0, canonErr(d, ErrTooLong, "external numbers have at most %d digits", p.cfg.MaxExternalDigits)
	}
	cc := p.cfg.CountryCode
	if ip := p.cfg.InternationalPrefix; ip != "" {
		if intl, ok := strings.CutPrefix(d, ip); ok {
			s, err := e164(d, intl)
			if err != nil {
				return "", 0, err
			}
			if cc != "" && strings.HasPrefix(intl, cc) {
				return s, ScopeNational, nil
			}
			return s, ScopeInternational, nil
		}
	}
	if cc == "" {
		return d, ScopeNational, nil
	}
	if np := p.cfg.NationalPrefix; np != "" {
		if nat, ok := strings.CutPrefix(d, np); ok {
			if nat == "" {
				return "", 0, canonErr(d, ErrIncomplete, "national prefix %s without a number", np)
			}
			s, err := e164(d, cc+nat)
			return s, ScopeNational, err
		}
	}
	s, err := e164(d, cc+p.cfg.AreaCode+d)
	return s, ScopeNational, err
}

// e164 checks the digits after '+' and returns "+digits".
func e164(input, digits string) (string, error) {
	switch {
	case digits != "" && digits[0] == '0':
		return "", canonErr(input, ErrUnknownNumber, "no country code starts with 0")
	case len(digits) < 3:
		return "", canonErr(input, ErrIncomplete, "an international number has a country code and at least one more digit")
	case len(digits) > maxE164:
		return "", canonErr(input, ErrTooLong, "an international number has at most %d digits", maxE164)
	}
	return "+" + digits, nil
}

func canonErr(input string, sentinel error, format string, args ...any) error {
	_, err := reject(input, "", sentinel, format, args...)
	return err
}
