package portal

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/config"
)

// BenchmarkHealthz measures one /healthz answer through the whole
// middleware chain (logging, metrics, security headers) with a database
// ping and two links: what a load balancer's probe costs.
func BenchmarkHealthz(b *testing.B) {
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	if _, err := config.Prepare(&cfg); err != nil {
		b.Fatal(err)
	}
	s, err := New(Deps{
		HTTP:     cfg.HTTP,
		Database: &fakeDB{},
		Links: map[string]LinkReporter{
			"ari": fixedLink{State: StateConnected, Since: time.Now()},
			"ami": fixedLink{State: StateDisconnected, LastError: "refused", Since: time.Now()},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
