package pbxscenarios

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/store"
)

// callErrors collects the PBX's "call ended with error" log lines: a call
// a feature ended cleanly (the caller hanging up mid-prompt included) logs
// none.
type callErrors struct {
	mu   sync.Mutex
	errs []string
}

func (ce *callErrors) add(r slog.Record) {
	msg := r.Message
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			msg += ": " + a.Value.String()
		}
		return true
	})
	ce.mu.Lock()
	ce.errs = append(ce.errs, msg)
	ce.mu.Unlock()
}

// none fails the test when a call ended with an error.
func (ce *callErrors) none(t *testing.T) {
	t.Helper()
	ce.mu.Lock()
	defer ce.mu.Unlock()
	for _, e := range ce.errs {
		t.Errorf("PBX log: %s", e)
	}
}

// watchHandler passes log records on and notes the calls that ended with
// an error.
type watchHandler struct {
	slog.Handler
	ce *callErrors
}

func (h watchHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "call ended with error" {
		h.ce.add(r)
	}
	return h.Handler.Handle(ctx, r)
}

func (h watchHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return watchHandler{Handler: h.Handler.WithAttrs(as), ce: h.ce}
}

func (h watchHandler) WithGroup(name string) slog.Handler {
	return watchHandler{Handler: h.Handler.WithGroup(name), ce: h.ce}
}

// runWatched is runWorld with the PBX's log watched for calls that ended
// with an error; the scenario checks them with ce.none.
func runWatched(t *testing.T, trunk string, exts []string, setup func(t *testing.T, st *store.Store),
	scenario func(t *testing.T, w *world, ce *callErrors)) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			w := &world{st: openStore(t, exts), trunk: trunk}
			if setup != nil {
				setup(t, w.st)
			}
			ce := &callErrors{}
			w.H = harness.New(t, mode, harness.Options{
				Extensions: exts,
				Trunk:      trunk,
				App: func(ctx context.Context, env harness.AppEnv) error {
					env.Logger = slog.New(watchHandler{Handler: env.Logger.Handler(), ce: ce})
					return w.runPBX(ctx, env)
				},
				AppReady: w.appReady,
			})
			scenario(t, w, ce)
		})
	}
}

// nthRecord waits until ext's call log holds n calls, the newest closed,
// and returns that call's record and log entry.
func (w *world) nthRecord(t *testing.T, ext string, n int) (*store.CallRecord, store.CallLogEntry) {
	t.Helper()
	var rec *store.CallRecord
	var entry store.CallLogEntry
	w.Eventually(fmt.Sprintf("%s's call log to show call %d closed", ext, n), 0, func() bool {
		page, err := w.st.Calls.Log(context.Background(), store.CallLogQuery{Extension: ext})
		if err != nil || len(page.Calls) < n {
			return false
		}
		entry = page.Calls[0]
		rec, err = w.st.Calls.Get(context.Background(), entry.CallID)
		return err == nil && rec.State == store.CallClosed && entry.Disposition != ""
	})
	return rec, entry
}

// The record of an inbound call names the caller as the callee saw it: the
// phonebook's name when the number has an entry, the provider's otherwise.
func TestTrunkCallRecordKeepsTheNameTheCalleeWasShown(t *testing.T) {
	const strangerNumber = "4930555666"
	setup := func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.Trunks.CreateRoute(ctx, &store.InboundRoute{DID: providerDID, DestinationType: store.DestExtension, DestinationValue: "102"}); err != nil {
			t.Fatal(err)
		}
		if err := st.Contacts.Create(ctx, &store.Contact{Name: "Acme Support", Numbers: []store.ContactNumber{{Number: acmeNumber}}}); err != nil {
			t.Fatal(err)
		}
	}
	runWatched(t, trunkName, []string{"102"}, setup, func(t *testing.T, w *world, ce *callErrors) {
		b, provider := w.Phone("102"), w.Trunk()
		for i, c := range []struct{ number, presented, shown string }{
			{acmeNumber, "ACME GMBH", "Acme Support"}, // in the phonebook
			{strangerNumber, "Jane Roe", "Jane Roe"},  // not in it
		} {
			provider.Call(providerDID, c.number, c.presented)
			b.WaitRinging()
			if name := b.CallerName(); name != c.shown {
				t.Errorf("102 shows %q for %s, want %q", name, c.number, c.shown)
			}
			b.Answer()
			provider.WaitAnswered()
			talk(t, provider, b)
			provider.Hangup()
			b.WaitHungUp()
			rec, e := w.nthRecord(t, "102", i+1)
			if rec.FromNumber != c.number || rec.FromName != c.shown || rec.Type != store.CallInbound {
				t.Errorf("record of the call from %s: %s from %q <%s>, want inbound from %q <%s>",
					c.number, rec.Type, rec.FromName, rec.FromNumber, c.shown, c.number)
			}
			if e.FromName != c.shown {
				t.Errorf("102's call log names the caller %q, want %q", e.FromName, c.shown)
			}
			w.idle()
		}
		ce.none(t)
	})
}

// Wakeup calls are recorded like any call: 101 answers (answered, with a
// talk time), 102 declines (busy, no answer), 103 is in a call (busy, not
// rung); each shows in its extension's call log with the attempt's legs
// and trace. 101 hangs up during the message: the call ends without an
// error.
func TestWakeupCallsAreRecordedInTheExtensionsCallLog(t *testing.T) {
	exts := []string{"101", "102", "103", "104", "105"}
	runWatched(t, "", exts, nil, func(t *testing.T, w *world, ce *callErrors) {
		a, b, c, d, e := w.Phone("101"), w.Phone("102"), w.Phone("103"), w.Phone("104"), w.Phone("105")
		w.answered(c, d, "104")
		ctx := context.Background()
		at := w.Clock().Now().Add(2 * time.Second)
		for _, ext := range []string{"101", "102", "103"} {
			wk := &store.WakeupCall{Extension: ext, At: at, MaxRetries: wakeup.Retries, RetryEverySec: int(wakeup.RetryEvery / time.Second)}
			if err := w.st.Wakeups.Create(ctx, wk); err != nil {
				t.Fatal(err)
			}
		}
		// Added behind the scheduler's back: 105's *055# (it has no
		// wakeups) makes it read the store now rather than within a minute.
		e.Dial("*055#")
		e.WaitHungUp()
		b.WaitRinging()
		b.Reject()
		a.WaitRinging()
		if name := a.CallerName(); name != "Wakeup" {
			t.Errorf("101 shows the wakeup call as %q, want \"Wakeup\"", name)
		}
		a.Answer()
		a.Hears("hello")
		w.Wait(time.Second) // into "the time is …"
		a.Hangup()
		c.Hangup()
		d.WaitHungUp()

		answered := w.lastRecord(t, "101")
		if answered.Disposition != store.DispAnswered || answered.AnsweredAt == nil || answered.FromName != "Wakeup" ||
			answered.ToNumber != "101" || answered.DurationSec < 1 || answered.Type != store.CallSystem {
			t.Errorf("101's wakeup record: %s %s call from %q to %s, %d s talk; want an answered system call from \"Wakeup\" to 101, at least 1 s",
				answered.Disposition, answered.Type, answered.FromName, answered.ToNumber, answered.DurationSec)
		}
		if len(answered.Legs) != 1 || answered.Legs[0].ToExtension != "101" || answered.Legs[0].AnsweredAt == nil ||
			!traceHas(answered, "ring", "101") || !traceHas(answered, "wakeup", "answered") {
			t.Errorf("101's wakeup record: legs %+v, trace %+v; want the answered attempt, ring and wakeup steps", answered.Legs, answered.Trace)
		}
		declined := w.lastRecord(t, "102")
		if declined.Disposition != store.DispBusy || declined.AnsweredAt != nil || !traceHas(declined, "ring", "102") ||
			!traceHas(declined, "no-answer", "") {
			t.Errorf("102's wakeup record: %s, trace %+v; want busy after ring and no-answer", declined.Disposition, declined.Trace)
		}
		busy := w.lastRecord(t, "103")
		if busy.FromName != "Wakeup" || busy.Disposition != store.DispBusy || !traceHas(busy, "busy", "not rung") {
			t.Errorf("103's newest record: %s from %q, trace %+v; want the wakeup, busy, not rung", busy.Disposition, busy.FromName, busy.Trace)
		}
		w.idle()
		ce.none(t)
	})
}

// A caller hanging up while a prompt plays ends the call cleanly: Asterisk
// 22 reports the cut playback as failed just before the hang-up.
func TestCallerHangingUpDuringAPromptEndsTheCallWithoutAnError(t *testing.T) {
	runWatched(t, "", []string{"101"}, nil, func(t *testing.T, w *world, ce *callErrors) {
		a := w.Phone("101")
		a.Dial("109") // no such extension: pbx-invalid (4.4 s) as early media
		// Hears would wait for the whole prompt; hang up well inside it.
		w.Wait(1500 * time.Millisecond)
		if st := a.State(); st == "ended" {
			t.Fatalf("101's call ended before it hung up")
		}
		a.Hangup()
		w.idle()
		rec := w.lastRecord(t, "101")
		if !traceHas(rec, "reject", "109") {
			t.Errorf("101's call to 109: trace %+v, want the rejection", rec.Trace)
		}
		ce.none(t)
	})
}
