package portal

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// Link and database states as /healthz reports them.
const (
	// StateUp: the database answers.
	StateUp = "up"
	// StateDown: the database does not answer.
	StateDown = "down"
	// StateAbsent: no database is configured for this process.
	StateAbsent = "absent"
	// StateConnected: the Asterisk link is established.
	StateConnected = "connected"
	// StateConnecting: the first attempt has not finished yet.
	StateConnecting = "connecting"
	// StateDisconnected: the link is down and being retried.
	StateDisconnected = "disconnected"
)

// dbPingTimeout bounds the database check of one health request.
const dbPingTimeout = 2 * time.Second

// Pinger is the database as health checks see it (store.Store fits).
type Pinger interface {
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}

// LinkState is the state of one connection to Asterisk.
type LinkState struct {
	// State is StateConnected, StateConnecting or StateDisconnected.
	State string `json:"state"`
	// Target is what is being connected to (URL or host:port).
	Target string `json:"target,omitempty"`
	// LastError is the most recent failure, kept after reconnecting.
	LastError string `json:"last_error,omitempty"`
	// Since is when State last changed.
	Since time.Time `json:"since"`
}

// LinkReporter reports the current state of one Asterisk connection.
type LinkReporter interface {
	// LinkState returns the current state.
	LinkState() LinkState
}

// DatabaseState is the database part of /healthz.
type DatabaseState struct {
	// State is StateUp, StateDown or StateAbsent.
	State string `json:"state"`
	// LastError is the most recent ping failure.
	LastError string `json:"last_error,omitempty"`
	// Since is when State last changed.
	Since time.Time `json:"since"`
}

// HealthReport is the body of GET /healthz.
type HealthReport struct {
	// Status is "ok" whenever the process answers.
	Status string `json:"status"`
	// Version is the build's version.
	Version string `json:"version"`
	// Database is the store's state.
	Database DatabaseState `json:"database"`
	// Asterisk holds one entry per link ("ari", "ami").
	Asterisk map[string]LinkState `json:"asterisk"`
}

// health tracks the database state between requests so that Since means
// "since the state changed", not "since the last request".
type health struct {
	db      Pinger
	links   map[string]LinkReporter
	clock   clock.Clock
	version string

	mu sync.Mutex
	st DatabaseState
}

func newHealth(d Deps) *health {
	h := &health{db: d.Database, links: d.Links, clock: d.Clock, version: d.Version}
	h.st = DatabaseState{State: StateAbsent, Since: d.Clock.Now().UTC()}
	if d.Database != nil {
		// the caller opened (and so reached) the database before serving
		h.st.State = StateUp
	}
	return h
}

// database pings the store and records state changes.
func (h *health) database(ctx context.Context) DatabaseState {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.db == nil {
		return h.st
	}
	ctx, cancel := context.WithTimeout(ctx, dbPingTimeout)
	defer cancel()
	state, msg := StateUp, ""
	if err := h.db.Ping(ctx); err != nil {
		state, msg = StateDown, err.Error()
	}
	if state != h.st.State {
		h.st.State, h.st.Since = state, h.clock.Now().UTC()
	}
	if msg != "" {
		h.st.LastError = msg
	}
	return h.st
}

func (h *health) report(ctx context.Context) HealthReport {
	r := HealthReport{Status: "ok", Version: h.version, Database: h.database(ctx), Asterisk: map[string]LinkState{}}
	for name, l := range h.links {
		r.Asterisk[name] = l.LinkState()
	}
	return r
}

// linkNames lists the links in a stable order (for metrics).
func (h *health) linkNames() []string {
	names := make([]string, 0, len(h.links))
	for n := range h.links {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// healthz answers 200 whenever the process is up, with the state of its
// dependencies in the body.
func (h *health) healthz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, h.report(c.Request().Context()))
}

// readyz answers 503 while the database is down: a load balancer should
// not send users to a portal that cannot read its data.
func (h *health) readyz(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	db := h.database(c.Request().Context())
	if db.State == StateDown {
		return c.JSON(http.StatusServiceUnavailable, map[string]any{"ready": false, "database": db})
	}
	return c.JSON(http.StatusOK, map[string]any{"ready": true, "database": db})
}
