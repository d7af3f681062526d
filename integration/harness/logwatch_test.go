package harness

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// errRecorder is the test's TB, but keeps the harness's Errorf calls.
type errRecorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *errRecorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// stopAfterAFailedCall runs a harness whose app logs one call ending with
// an error, stops it and returns what the harness reported.
func stopAfterAFailedCall(t *testing.T, allow bool) []string {
	rec := &errRecorder{TB: t}
	h := New(rec, ModeSim, Options{App: func(ctx context.Context, env AppEnv) error {
		env.Logger.WarnContext(ctx, "call ended with error", "call_id", "sb-1", "err", "add to bridge: 500")
		<-ctx.Done()
		return nil
	}})
	if allow {
		h.AllowCallErrors()
	}
	h.Eventually("the app's log line", 0, func() bool { n, _ := h.watch.callErrors(); return n == 1 })
	h.stop()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.errs
}

func TestACallEndingWithAnErrorFailsTheScenario(t *testing.T) {
	errs := stopAfterAFailedCall(t, false)
	if len(errs) != 1 || !strings.Contains(errs[0], "1 call(s) ended with an error") || !strings.Contains(errs[0], "add to bridge: 500") {
		t.Errorf("harness reported %q, want one error naming the call's", errs)
	}
}

func TestAScenarioMayAllowCallsEndingWithAnError(t *testing.T) {
	if errs := stopAfterAFailedCall(t, true); len(errs) != 0 {
		t.Errorf("harness reported %q, want nothing", errs)
	}
}
