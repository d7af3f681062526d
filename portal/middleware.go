package portal

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// contentSecurityPolicy allows only the portal's own scripts, styles and
// WebSocket; pages need nothing from other origins.
const contentSecurityPolicy = "default-src 'self'; connect-src 'self' wss:; img-src 'self' data:; " +
	"media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// recoverPanics turns a handler panic into a 500 and one error log line
// with the stack, instead of a dead connection.
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					log.ErrorContext(c.Request().Context(), "handler panic",
						"method", c.Request().Method, "path", c.Request().URL.Path,
						"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = fmt.Errorf("portal: panic: %v", r)
				}
			}()
			return next(c)
		}
	}
}

// requestLog writes one slog line per request; health and metric scrapes
// are logged at debug so that probes do not flood the log.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			req, res := c.Request(), c.Response()
			level := slog.LevelInfo
			switch {
			case res.Status >= 500:
				level = slog.LevelError
			case c.Path() == "/healthz" || c.Path() == "/readyz" || c.Path() == "/metrics":
				level = slog.LevelDebug
			}
			attrs := []slog.Attr{
				slog.String("method", req.Method),
				slog.String("path", req.URL.Path),
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				slog.Duration("elapsed", time.Since(start)),
				slog.String("remote", c.RealIP()),
			}
			if err != nil {
				attrs = append(attrs, slog.String("error", err.Error()))
			}
			log.LogAttrs(req.Context(), level, "http request", attrs...)
			return nil
		}
	}
}

// securityHeaders sets HSTS, framing, sniffing, referrer and content
// security headers on every response. HSTS is left out with a self-signed
// certificate: it would forbid users from ever accepting that certificate.
func securityHeaders(selfSigned bool) echo.MiddlewareFunc {
	hsts := 31536000
	if selfSigned {
		hsts = 0
	}
	return middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            hsts,
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
	})
}
