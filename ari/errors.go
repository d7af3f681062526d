package ari

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinel errors. An *Error matches the one its status stands for with
// errors.Is, e.g. errors.Is(err, ari.ErrNotFound).
var (
	// ErrNotFound: 404, the channel, bridge, playback, ... does not exist
	// (often a normal race with a hangup).
	ErrNotFound = errors.New("ari: not found")
	// ErrConflict: 409, the object is in the wrong state or the id exists.
	ErrConflict = errors.New("ari: conflict")
	// ErrInvalid: 400 or 422, a bad parameter or an unprocessable request.
	ErrInvalid = errors.New("ari: invalid request")
	// ErrUnavailable: 500 "Allocation failed", the endpoint could not be
	// dialled (typically not registered).
	ErrUnavailable = errors.New("ari: endpoint unavailable")
	// ErrForbidden: 403, e.g. a dynamic config object that cannot be changed.
	ErrForbidden = errors.New("ari: forbidden")
	// ErrUnauthorized: 401, wrong ARI credentials.
	ErrUnauthorized = errors.New("ari: unauthorized")
	// ErrServer: any other 5xx answer.
	ErrServer = errors.New("ari: server error")
	// ErrBadEvent: an event message that is not valid JSON or has no type.
	ErrBadEvent = errors.New("ari: malformed event")
	// ErrBadTimestamp: a DateTime that does not parse.
	ErrBadTimestamp = errors.New("ari: malformed timestamp")
	// ErrClosed: the event stream was closed.
	ErrClosed = errors.New("ari: closed")
)

// Error is a non-2xx answer of Asterisk to a REST call.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Message is Asterisk's "message" (or "error") text.
	Message string
	// Method and Path name the request, e.g. POST /channels/create.
	Method, Path string
}

// Error formats the answer.
func (e *Error) Error() string {
	return fmt.Sprintf("ari: %s %s: %d %s", e.Method, e.Path, e.Status, e.Message)
}

// Is matches the sentinel error of the status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrConflict:
		return e.Status == http.StatusConflict
	case ErrInvalid:
		return e.Status == http.StatusBadRequest || e.Status == http.StatusUnprocessableEntity
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrUnavailable:
		return e.Status == http.StatusInternalServerError &&
			strings.Contains(strings.ToLower(e.Message), "allocation failed")
	case ErrServer:
		return e.Status >= 500
	}
	return false
}
