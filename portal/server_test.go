package portal

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

type fakeDB struct{ down atomic.Bool }

func (f *fakeDB) Ping(context.Context) error {
	if f.down.Load() {
		return errors.New("connection refused")
	}
	return nil
}

type fixedLink LinkState

func (l fixedLink) LinkState() LinkState { return LinkState(l) }

// slowModule adds a handler that takes a while, to observe draining.
type slowModule struct{ started chan struct{} }

func (m slowModule) Mount(_ *echo.Echo, api *echo.Group) {
	api.GET("/slow", func(c echo.Context) error {
		close(m.started)
		time.Sleep(300 * time.Millisecond)
		return c.String(http.StatusOK, "done")
	})
	api.GET("/missing", func(echo.Context) error {
		return fmt.Errorf("load extension 999: %w", store.ErrNotFound)
	})
}

func startServer(t *testing.T, deps Deps) (*Server, string, context.CancelFunc, chan error) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	if _, err := config.Prepare(&cfg); err != nil {
		t.Fatal(err)
	}
	cfg.HTTP.Listen, cfg.HTTP.Port = "127.0.0.1", 0
	cfg.HTTP.ShutdownTimeout = 5 * time.Second
	deps.HTTP = cfg.HTTP
	s, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return s, "https://" + s.Addr().String(), cancel, done
}

var insecure = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 5 * time.Second}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := insecure.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestHealthzReportsDatabaseAndAsteriskLinks(t *testing.T) {
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, base, _, _ := startServer(t, Deps{
		Database: &fakeDB{},
		Version:  "v1.2.3",
		Links: map[string]LinkReporter{
			"ari": fixedLink{State: StateDisconnected, Target: "http://127.0.0.1:8088/ari", LastError: "connection refused", Since: since},
			"ami": fixedLink{State: StateConnected, Target: "127.0.0.1:5038", Since: since},
		},
	})
	res, body := get(t, base+"/healthz")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	var r HealthReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if r.Status != "ok" || r.Version != "v1.2.3" || r.Database.State != StateUp {
		t.Fatalf("report %+v", r)
	}
	ari := r.Asterisk["ari"]
	if ari.State != StateDisconnected || ari.LastError != "connection refused" || !ari.Since.Equal(since) {
		t.Fatalf("ari %+v", ari)
	}
	if r.Asterisk["ami"].State != StateConnected {
		t.Fatalf("ami %+v", r.Asterisk["ami"])
	}
}

func TestReadyzIsUnavailableWhileTheDatabaseIsDownButHealthzStaysOK(t *testing.T) {
	db := &fakeDB{}
	_, base, _, _ := startServer(t, Deps{Database: db})
	if res, _ := get(t, base+"/readyz"); res.StatusCode != http.StatusOK {
		t.Fatalf("readyz with db up: %d", res.StatusCode)
	}
	db.down.Store(true)
	res, body := get(t, base+"/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "connection refused") {
		t.Fatalf("readyz with db down: %d %s", res.StatusCode, body)
	}
	res, body = get(t, base+"/healthz")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"state":"down"`) {
		t.Fatalf("healthz with db down: %d %s", res.StatusCode, body)
	}
}

func TestMetricsCountRequestsByRouteAndExportLinkState(t *testing.T) {
	_, base, _, _ := startServer(t, Deps{Links: map[string]LinkReporter{"ari": fixedLink{State: StateConnected}}})
	get(t, base+"/healthz")
	res, body := get(t, base+"/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		`switchboard_http_requests_total{code="200",method="GET",route="/healthz"} 1`,
		`switchboard_asterisk_link_up{link="ari"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestResponsesCarrySecurityHeadersAndErrorsAreJSONWithMappedStatus(t *testing.T) {
	_, base, _, _ := startServer(t, Deps{Modules: []Module{slowModule{started: make(chan struct{})}}})
	res, body := get(t, base+APIPrefix+"/missing")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, `"error":"load extension 999: store: not found"`) {
		t.Fatalf("mapped error: %d %s", res.StatusCode, body)
	}
	res, body = get(t, base+"/no/such/page")
	if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(body, `{"error":`) {
		t.Fatalf("unknown route: %d %s", res.StatusCode, body)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": contentSecurityPolicy,
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if got := res.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("HSTS %q sent with a self-signed certificate", got)
	}
}

func TestShutdownStopsAcceptingAndLetsInFlightRequestsFinish(t *testing.T) {
	started := make(chan struct{})
	_, base, cancel, done := startServer(t, Deps{Modules: []Module{slowModule{started: started}}})
	got := make(chan string, 1)
	go func() {
		res, err := insecure.Get(base + APIPrefix + "/slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		got <- string(b)
	}()
	<-started
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve returned %v", err)
	}
	done <- nil // for the cleanup
	if body := <-got; body != "done" {
		t.Fatalf("in-flight request got %q", body)
	}
	if _, err := insecure.Get(base + "/healthz"); err == nil {
		t.Fatal("server still accepts after shutdown")
	}
}

func TestStatusOfMapsStoreSentinels(t *testing.T) {
	for err, want := range map[error]int{
		fmt.Errorf("x: %w", store.ErrNotFound):       404,
		fmt.Errorf("x: %w", store.ErrDuplicate):      409,
		fmt.Errorf("x: %w", store.ErrInvalid):        422,
		fmt.Errorf("x: %w", store.ErrBadCredentials): 401,
		errors.New("boom"):                           500,
		echo.NewHTTPError(http.StatusTeapot):         http.StatusTeapot,
	} {
		if got := StatusOf(err); got != want {
			t.Errorf("StatusOf(%v) = %d, want %d", err, got, want)
		}
	}
}

func TestDatabaseSinceMarksTheLastStateChangeNotTheLastRequest(t *testing.T) {
	db := &fakeDB{}
	clk := clock.NewFake(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	h := newHealth(Deps{Database: db, Clock: clk})
	clk.Advance(time.Minute)
	if st := h.database(context.Background()); st.State != StateUp || !st.Since.Equal(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("up: %+v", st)
	}
	db.down.Store(true)
	clk.Advance(time.Minute)
	h.database(context.Background())
	clk.Advance(time.Minute)
	st := h.database(context.Background())
	if st.State != StateDown || !st.Since.Equal(time.Date(2026, 3, 1, 8, 2, 0, 0, time.UTC)) || st.LastError != "connection refused" {
		t.Fatalf("down: %+v", st)
	}
	db.down.Store(false)
	clk.Advance(time.Minute)
	st = h.database(context.Background())
	if st.State != StateUp || !st.Since.Equal(time.Date(2026, 3, 1, 8, 4, 0, 0, time.UTC)) || st.LastError != "connection refused" {
		t.Fatalf("up again: %+v", st)
	}
}

type panicModule struct{}

func (panicModule) Mount(_ *echo.Echo, api *echo.Group) {
	api.GET("/panic", func(echo.Context) error { panic("boom") })
}

func TestAPanickingHandlerAnswers500AndIsLoggedAndCounted(t *testing.T) {
	logs := &strings.Builder{}
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	_, base, _, _ := startServer(t, Deps{Logger: log, Modules: []Module{panicModule{}}})
	res, body := get(t, base+APIPrefix+"/panic")
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, `"error":"Internal Server Error"`) {
		t.Fatalf("panic answered %d %s", res.StatusCode, body)
	}
	_, metrics := get(t, base+"/metrics")
	if !strings.Contains(metrics, `switchboard_http_requests_total{code="500",method="GET",route="/api/v1/panic"} 1`) {
		t.Error("the panic was not counted as a 500")
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), `msg="handler panic"`) || !strings.Contains(logs.String(), "status=500") {
		t.Errorf("log lacks the panic or the 500 request line:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
