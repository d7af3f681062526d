package scenarios

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/integration/refapp"
)

// withRefApp returns harness options that run a fresh reference app, and the
// app itself for assertions on what it saw.
func withRefApp(exts ...string) (harness.Options, *refapp.App) {
	app := refapp.New(refapp.Options{RingTimeout: 30 * time.Second})
	return harness.Options{
		Extensions: exts,
		App: func(ctx context.Context, env harness.AppEnv) error {
			return app.Run(ctx, refapp.Conn{
				ARIURL: env.ARIURL, User: env.ARIUser, Password: env.ARIPassword,
				App: env.App, Clock: env.Clock, Logger: env.Logger,
			})
		},
		AppReady: app.Connected,
	}, app
}

// run runs scenario in both modes, each with its own reference app.
func run(t *testing.T, exts []string, scenario func(t *testing.T, h *harness.H, app *refapp.App)) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			opts, app := withRefApp(exts...)
			h := harness.New(t, mode, opts)
			scenario(t, h, app)
		})
	}
}

// answeredCall sets up a call from a to b, answered, and returns the phones.
func answeredCall(t *testing.T, h *harness.H, from, to string) (a, b *harness.Phone) {
	t.Helper()
	a, b = h.Phone(from), h.Phone(to)
	a.Dial(to)
	b.WaitRinging()
	if got := b.CallerID(); got != from {
		t.Errorf("%s shows caller id %q, want %q", to, got, from)
	}
	b.Answer()
	a.WaitAnswered()
	return a, b
}

// eventsFlowAgain proves the app gets events after a reconnect: p presses 1
// until the app sees it. A digit pressed in the first instant after the
// reconnect can be lost in mode (a): the simulator may activate the app a
// moment after the client's connect returned (reported to its owner).
func eventsFlowAgain(t *testing.T, h *harness.H, app *refapp.App, p *harness.Phone, ext string) {
	t.Helper()
	for i := 0; i < 5 && app.Digits(ext) == ""; i++ {
		p.SendDTMF("1")
		h.Wait(200 * time.Millisecond)
	}
	h.Eventually("the app to see DTMF after the reconnect", 0, func() bool { return app.Digits(ext) != "" })
}
