package dialplan

import "strings"

// Dialable turns a canonical number (from the phonebook, a call record, the
// blacklist) back into the string a phone or the browser dials, so that
// click-to-dial goes through Route like any dialled number: internal and
// emergency numbers as they are, external numbers behind the outbound prefix
// (own country in national form where a national prefix exists, other
// countries with the international prefix). It guarantees the round trip:
// Route(Dialable(n)).Number == n for a caller whose class allows it; a number
// that cannot be written so is refused (e.g. an international number when no
// international prefix is configured).
func (p *Plan) Dialable(canonical string) (string, error) {
	if canonical == "" {
		return "", canonErr(canonical, ErrEmpty, "no number")
	}
	if p.isInternal(canonical) {
		return canonical, nil
	}
	var candidates []string
	if intl, ok := strings.CutPrefix(canonical, "+"); ok {
		if nat, own := strings.CutPrefix(intl, p.cfg.CountryCode); own && p.cfg.CountryCode != "" && p.cfg.NationalPrefix != "" {
			candidates = append(candidates, p.cfg.NationalPrefix+nat)
		}
		if p.cfg.InternationalPrefix != "" {
			candidates = append(candidates, p.cfg.InternationalPrefix+intl)
		}
	} else {
		candidates = append(candidates, canonical)
	}
	for _, rest := range candidates {
		if !allDigits(rest) || len(rest) < p.cfg.MinExternalDigits || len(rest) > p.cfg.MaxExternalDigits {
			continue
		}
		if p.IsEmergency(rest) || p.IsEmergency(p.cfg.OutboundPrefix+rest) {
			continue // would ring the emergency services instead
		}
		if back, _, err := p.canonicalDigits(rest); err == nil && back == canonical {
			return p.cfg.OutboundPrefix + rest, nil
		}
	}
	return "", canonErr(canonical, ErrUnknownNumber, "not a canonical number this plan can dial")
}
