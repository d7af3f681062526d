package portal

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-pbx/switchboard/store"
)

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	// Error is a short human-readable message.
	Error string `json:"error"`
}

// StatusOf maps an error to its HTTP status: the one place where the
// sentinel errors of the packages below become status codes.
func StatusOf(err error) int {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, store.ErrDuplicate), errors.Is(err, store.ErrReference):
		return http.StatusConflict
	case errors.Is(err, store.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, store.ErrBadCredentials):
		return http.StatusUnauthorized
	default:
		return http.StatusInternalServerError
	}
}

// handleError writes err as JSON with the status StatusOf gives; internal
// errors are logged and not shown to the client.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code := StatusOf(err)
	msg := http.StatusText(code)
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		if m, ok := he.Message.(string); ok {
			msg = m
		}
	case code < http.StatusInternalServerError:
		msg = err.Error()
	default:
		s.log.ErrorContext(c.Request().Context(), "request failed", "path", c.Request().URL.Path, "error", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(code)
		return
	}
	_ = c.JSON(code, ErrorBody{Error: msg})
}
