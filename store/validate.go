package store

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Length limits shared by models and validation; the column sizes in the
// models are the same numbers.
const (
	// MinExtensionDigits and MaxExtensionDigits bound extension, queue and
	// ring group numbers (the plan's default is 3 digits, widening to 4).
	MinExtensionDigits = 2
	// MaxExtensionDigits is the longest internal number the store accepts.
	MaxExtensionDigits = 6
	// MaxNumberLen bounds external (canonical) phone numbers: E.164 has at
	// most 15 digits; prefixes and national forms get some room.
	MaxNumberLen = 32
	// MaxNameLen bounds display names.
	MaxNameLen = 100
	// MaxEmailLen bounds e-mail addresses.
	MaxEmailLen = 254
	// MaxPathLen bounds stored file paths.
	MaxPathLen = 512
	// MaxPINLen bounds voicemail passwords and conference PINs.
	MaxPINLen = 16
	// MaxPasswordLen is bcrypt's input limit.
	MaxPasswordLen = 72
	// MinPasswordLen is the shortest portal or account password accepted.
	MinPasswordLen = 6
)

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkExtNumber validates an internal number (extension, queue, ring group).
func checkExtNumber(field, s string) error {
	if !isDigits(s) {
		return invalid(field, "must be digits only")
	}
	if len(s) < MinExtensionDigits || len(s) > MaxExtensionDigits {
		return invalid(field, fmt.Sprintf("must have %d to %d digits", MinExtensionDigits, MaxExtensionDigits))
	}
	return nil
}

// checkDigitsLen validates a string of digits of the given length range.
func checkDigitsLen(field, s string, minLen, maxLen int) error {
	if !isDigits(s) {
		return invalid(field, "must be digits only")
	}
	if len(s) < minLen || len(s) > maxLen {
		return invalid(field, fmt.Sprintf("must have %d to %d digits", minLen, maxLen))
	}
	return nil
}

// checkPhone validates a dialable number: digits with an optional leading +
// (canonical E.164 for external numbers, plain digits for internal ones or
// prefixed external ones).
func checkPhone(field, s string) error {
	if s == "" {
		return invalid(field, "is empty")
	}
	if len(s) > MaxNumberLen {
		return invalid(field, fmt.Sprintf("longer than %d characters", MaxNumberLen))
	}
	if !isDigits(strings.TrimPrefix(s, "+")) {
		return invalid(field, "may contain only digits and a leading +")
	}
	return nil
}

// checkDialled validates a dialled destination: a number as checkPhone, or a
// feature code made of digits, * and # ("*60#", "**201#").
func checkDialled(field, s string) error {
	if s == "" {
		return invalid(field, "is empty")
	}
	if len(s) > MaxNumberLen {
		return invalid(field, fmt.Sprintf("longer than %d characters", MaxNumberLen))
	}
	body := strings.TrimPrefix(s, "+")
	if body == "" {
		return invalid(field, "has no digits")
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !(c >= '0' && c <= '9' || c == '*' || c == '#') || (len(body) != len(s) && (c == '*' || c == '#')) {
			return invalid(field, "may contain only digits, * and #, or a leading + before digits")
		}
	}
	return nil
}

// checkOptPhone is checkPhone for fields that may be empty.
func checkOptPhone(field, s string) error {
	if s == "" {
		return nil
	}
	return checkPhone(field, s)
}

// checkText validates free text: valid UTF-8, no control characters, at most
// maxLen characters, and non-empty when required.
func checkText(field, s string, maxLen int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return invalid(field, "is required")
	}
	if !utf8.ValidString(s) {
		return invalid(field, "is not valid UTF-8")
	}
	if utf8.RuneCountInString(s) > maxLen {
		return invalid(field, fmt.Sprintf("longer than %d characters", maxLen))
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return invalid(field, "contains control characters")
		}
	}
	return nil
}

// checkEmail validates an optional e-mail address.
func checkEmail(field, s string) error {
	if s == "" {
		return nil
	}
	if err := checkText(field, s, MaxEmailLen, false); err != nil {
		return err
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return invalid(field, "is not a plain e-mail address")
	}
	return nil
}

// checkOneOf validates an enumerated value.
func checkOneOf(field, s string, allowed ...string) error {
	for _, a := range allowed {
		if s == a {
			return nil
		}
	}
	return invalid(field, fmt.Sprintf("must be one of %s", strings.Join(allowed, ", ")))
}

// checkRange validates an integer range.
func checkRange(field string, v, lo, hi int) error {
	if v < lo || v > hi {
		return invalid(field, fmt.Sprintf("must be between %d and %d", lo, hi))
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// missing is the error for a nil record passed to a repository.
func missing(what string) error {
	return fmt.Errorf("store: %w", invalid(strings.ToLower(what[:1])+what[1:], "is missing (nil)"))
}
