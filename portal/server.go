// Package portal is Switchboard's HTTPS front: the Echo v4 server that will
// carry the extension portal, the admin pages and the versioned REST API, and
// that already serves /healthz, /readyz and /metrics with request logging,
// security headers and a graceful shutdown. Features plug in through
// Deps.Modules; sentinel errors become HTTP statuses in one place
// (errors.go).
package portal

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// APIPrefix is where the versioned REST API is mounted.
const APIPrefix = "/api/v1"

// ErrNotListening is returned by Serve when Listen was not called first.
var ErrNotListening = errors.New("portal: Serve before Listen")

// Module is a part of the portal (REST resources, pages, event stream) that
// adds its routes to the server. api is the group under APIPrefix.
type Module interface {
	// Mount registers the module's routes.
	Mount(e *echo.Echo, api *echo.Group)
}

// Deps is everything the portal serves from. Only HTTP is required.
type Deps struct {
	// HTTP is the listener configuration (address, port, TLS files,
	// shutdown timeout); TLSCert/TLSKey must be set (config.Prepare does).
	HTTP config.HTTP
	// Logger receives request and lifecycle logs; nil discards them.
	Logger *slog.Logger
	// Clock stamps health state changes; nil means clock.Real.
	Clock clock.Clock
	// Database is pinged by /healthz and /readyz; nil reports "absent".
	Database Pinger
	// Links are the Asterisk connections (e.g. "ari", "ami") /healthz reports.
	Links map[string]LinkReporter
	// Registry collects /metrics; nil uses a fresh registry with the Go and
	// process collectors.
	Registry *prometheus.Registry
	// Version is reported by /healthz.
	Version string
	// Modules add the API and pages.
	Modules []Module
}

// Server is the portal's HTTPS server.
type Server struct {
	deps   Deps
	log    *slog.Logger
	echo   *echo.Echo
	http   *http.Server
	ln     net.Listener
	health *health
}

// New builds the server and its routes; nothing listens until Listen.
func New(deps Deps) (*Server, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Clock == nil {
		deps.Clock = clock.Real{}
	}
	if deps.Registry == nil {
		deps.Registry = NewRegistry()
	}
	pair, err := tls.LoadX509KeyPair(deps.HTTP.TLSCert, deps.HTTP.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("portal: load TLS certificate %s: %w", deps.HTTP.TLSCert, err)
	}
	s := &Server{deps: deps, log: deps.Logger.With("component", "portal")}
	s.health = newHealth(deps)
	m, err := newHTTPMetrics(deps.Registry, s.health)
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// outermost first: metrics and the request log see the final status,
	// including the 500 a recovered panic becomes
	e.Use(m.middleware(), requestLog(s.log), securityHeaders(deps.HTTP.SelfSigned), recoverPanics(s.log))
	e.GET("/healthz", s.health.healthz)
	e.GET("/readyz", s.health.readyz)
	e.GET("/metrics", echo.WrapHandler(m.handler()))
	api := e.Group(APIPrefix)
	for _, mod := range deps.Modules {
		mod.Mount(e, api)
	}
	s.echo = e
	s.http = &http.Server{
		Handler:           e,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}},
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	return s, nil
}

// Handler is the server's router, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.echo }

// Listen binds the configured address (port 0 picks a free port).
func (s *Server) Listen() error {
	addr := net.JoinHostPort(s.deps.HTTP.Listen, strconv.Itoa(s.deps.HTTP.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("portal: listen on %s: %w", addr, err)
	}
	s.ln = ln
	return nil
}

// Addr is the bound address, once Listen succeeded.
func (s *Server) Addr() net.Addr {
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// URL is the portal's address for people: https://localhost:PORT/ when
// bound to every interface, else https://ADDR/.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	host, port, _ := net.SplitHostPort(s.ln.Addr().String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "https://" + net.JoinHostPort(host, port) + "/"
}

// Serve answers HTTPS requests until ctx ends, then stops accepting and
// lets in-flight requests finish for up to HTTP.ShutdownTimeout. It
// returns nil after a clean drain.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		return ErrNotListening
	}
	errc := make(chan error, 1)
	go func() { errc <- s.http.ServeTLS(s.ln, "", "") }()
	s.log.InfoContext(ctx, "portal listening", "url", s.URL())
	select {
	case err := <-errc:
		return fmt.Errorf("portal: serve: %w", err)
	case <-ctx.Done():
	}
	s.log.InfoContext(ctx, "portal draining", "timeout", s.deps.HTTP.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.deps.HTTP.ShutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		_ = s.http.Close()
		return fmt.Errorf("portal: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("portal: serve: %w", err)
	}
	s.log.InfoContext(ctx, "portal stopped")
	return nil
}
