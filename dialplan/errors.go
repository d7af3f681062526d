package dialplan

import (
	"errors"
	"fmt"
)

// Sentinel errors of Route and the canonical-number functions; every
// rejection wraps exactly one of them.
var (
	// ErrEmpty: nothing (or only '#') was dialled.
	ErrEmpty = errors.New("dialplan: empty")
	// ErrInvalidCharacters: something other than digits, '*' and a closing '#'.
	ErrInvalidCharacters = errors.New("dialplan: invalid characters")
	// ErrTooLong: more digits than any number of the plan can have.
	ErrTooLong = errors.New("dialplan: too long")
	// ErrUnknownNumber: digits that are no number of the plan.
	ErrUnknownNumber = errors.New("dialplan: unknown number")
	// ErrUnknownCode: a '*' string that is no feature code.
	ErrUnknownCode = errors.New("dialplan: unknown feature code")
	// ErrIncomplete: the start of a code or number without the rest (*71#, 9, *5).
	ErrIncomplete = errors.New("dialplan: incomplete")
	// ErrBadArgument: a code's argument is wrong (not an extension, not a queue,
	// an impossible date, a forwarding target that cannot be forwarded to).
	ErrBadArgument = errors.New("dialplan: bad argument")
	// ErrNotAllowed: a valid destination the caller may not reach (outbound
	// class, feature codes or external numbers from the trunk).
	ErrNotAllowed = errors.New("dialplan: not allowed")
)

// RouteError is a rejection of Route: the sentinel it wraps (Err), the
// feature code concerned if any, and a sentence for logs and call traces.
type RouteError struct {
	// Dialled is the rejected input (cut to 40 characters).
	Dialled string
	// Code is the feature code that was recognised, or "".
	Code CodeID
	// Err is one of the package's sentinel errors.
	Err error
	// Detail says what exactly is wrong.
	Detail string
}

// Error reports the sentinel, the input and the detail.
func (e *RouteError) Error() string {
	return fmt.Sprintf("%v: %q: %s", e.Err, e.Dialled, e.Detail)
}

// Unwrap gives the sentinel, so errors.Is(err, ErrIncomplete) works.
func (e *RouteError) Unwrap() error { return e.Err }

func reject(dialled string, code CodeID, sentinel error, format string, args ...any) (Route, error) {
	if len(dialled) > maxDialled {
		dialled = dialled[:maxDialled]
	}
	return Route{}, &RouteError{Dialled: dialled, Code: code, Err: sentinel, Detail: fmt.Sprintf(format, args...)}
}

// errSentinel returns the sentinel a rejection of this package wraps.
func errSentinel(err error) error {
	var re *RouteError
	if errors.As(err, &re) {
		return re.Err
	}
	for _, s := range []error{ErrEmpty, ErrInvalidCharacters, ErrTooLong, ErrUnknownNumber,
		ErrUnknownCode, ErrIncomplete, ErrBadArgument, ErrNotAllowed} {
		if errors.Is(err, s) {
			return s
		}
	}
	return ErrBadArgument
}

// errDetail returns the human part of a rejection of this package.
func errDetail(err error) string {
	var re *RouteError
	if errors.As(err, &re) {
		return re.Detail
	}
	return err.Error()
}
