package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// callSteps are the writes of a call, done through the repo's methods or a
// LiveCall.
type callSteps struct {
	open    func() (*LiveCall, error)
	addStep func(step TraceStep) error
	addLeg  func(l CallLeg) (int, error)
	endLeg  func(seq int, at time.Time, disp string) error
	answer  func(seq int, at time.Time) error
	close   func(at time.Time, disp string) error
}

// forwardedCall is one call's history: 201 rings 202 (ring trace), no
// answer, forward to 203 who answers and talks for a minute. saveEach runs
// after every step.
func forwardedCall(t *testing.T, s callSteps, saveEach func()) {
	t.Helper()
	step := func(err error) {
		t.Helper()
		must(t, err)
		saveEach()
	}
	_, err := s.open()
	step(err)
	step(s.addStep(TraceStep{At: t0.Add(20 * time.Second), Step: "forward_noanswer", Detail: "to 203"}))
	seq, err := s.addLeg(CallLeg{Kind: LegForward, FromNumber: "202", ToNumber: "203", FromExtension: "202",
		ToExtension: "203", StartedAt: t0.Add(20 * time.Second)})
	step(err)
	step(s.endLeg(1, t0.Add(20*time.Second), DispNoAnswer))
	step(s.answer(seq, t0.Add(25*time.Second)))
	step(s.addStep(TraceStep{At: t0.Add(30 * time.Second), Step: "record", Detail: "on demand"}))
	step(s.close(t0.Add(85*time.Second), DispAnswered))
}

func liveSteps(lc **LiveCall, c *CallRecord) callSteps {
	return callSteps{
		open: func() (*LiveCall, error) {
			var err error
			*lc, err = NewLiveCall(*c)
			return *lc, err
		},
		addStep: func(s TraceStep) error { return (*lc).AddTrace(s) },
		addLeg:  func(l CallLeg) (int, error) { return (*lc).AddLeg(l) },
		endLeg:  func(seq int, at time.Time, d string) error { return (*lc).EndLeg(seq, at, d) },
		answer:  func(seq int, at time.Time) error { return (*lc).AnswerLeg(seq, at) },
		close:   func(at time.Time, d string) error { return (*lc).Close(at, d) },
	}
}

func repoSteps(ctx context.Context, r *CallRepo, c *CallRecord) callSteps {
	return callSteps{
		open:    func() (*LiveCall, error) { return nil, r.Open(ctx, c) },
		addStep: func(s TraceStep) error { return r.AddTrace(ctx, c.ID, &s) },
		addLeg: func(l CallLeg) (int, error) {
			err := r.AddLeg(ctx, c.ID, &l)
			c.Legs = append(c.Legs, l)
			return l.Seq, err
		},
		endLeg: func(seq int, at time.Time, d string) error { return r.EndLeg(ctx, c.Legs[seq-1].ID, at, d) },
		answer: func(seq int, at time.Time) error { return r.AnswerLeg(ctx, c.Legs[seq-1].ID, at) },
		close:  func(at time.Time, d string) error { return r.Close(ctx, c.ID, at, d) },
	}
}

// stored loads a record and the call-log lines of its parties with the ids
// cleared, for comparing records written in different ways.
func stored(t *testing.T, st *Store, uid string) (CallRecord, []CallLogEntry) {
	t.Helper()
	ctx := context.Background()
	c, err := st.Calls.GetByUID(ctx, uid)
	must(t, err)
	id := c.ID
	c.ID = 0
	for i := range c.Legs {
		c.Legs[i].ID, c.Legs[i].CallID = 0, 0
	}
	for i := range c.Trace {
		c.Trace[i].ID, c.Trace[i].CallID = 0, 0
	}
	var log []CallLogEntry
	must(t, st.DB().Where("call_id = ?", id).Order("extension").Find(&log).Error)
	for i := range log {
		log[i].CallID = 0
	}
	return *c, log
}

// timesAsText is every time stored for a call, as the text SQLite holds.
func timesAsText(t *testing.T, st *Store, uid string) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT CAST(started_at AS TEXT) || '/' || IFNULL(CAST(answered_at AS TEXT), '-') || '/' || IFNULL(CAST(ended_at AS TEXT), '-') FROM call_records WHERE uid = ?",
		"SELECT CAST(l.started_at AS TEXT) || '/' || IFNULL(CAST(l.answered_at AS TEXT), '-') || '/' || IFNULL(CAST(l.ended_at AS TEXT), '-') FROM call_legs l JOIN call_records c ON c.id = l.call_id WHERE c.uid = ? ORDER BY l.seq",
		"SELECT e.extension || ' ' || CAST(e.started_at AS TEXT) || '/' || IFNULL(CAST(e.answered_at AS TEXT), '-') FROM call_log_entries e JOIN call_records c ON c.id = e.call_id WHERE c.uid = ? ORDER BY e.extension",
		"SELECT CAST(s.`at` AS TEXT) FROM trace_steps s JOIN call_records c ON c.id = s.call_id WHERE c.uid = ? ORDER BY s.seq",
	} {
		var rows []string
		must(t, st.DB().Raw(q, uid).Scan(&rows).Error)
		out = append(out, rows...)
	}
	return strings.Join(out, "\n")
}

func TestLiveCallSavedStepByStepOrAtOnceGivesTheRepoMethodsRecord(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		open := func(uid string) *CallRecord {
			c := internalCall(uid, "201", "202", t0)
			c.FromName = "Ann"
			c.Trace = []TraceStep{{At: t0, Step: "ring", Detail: "202"}}
			return c
		}
		forwardedCall(t, repoSteps(ctx, st.Calls, open("repo")), func() {})
		var each, once *LiveCall
		forwardedCall(t, liveSteps(&each, open("each")), func() {
			must(t, st.Calls.SaveLive(ctx, []*LiveCall{each}))
		})
		forwardedCall(t, liveSteps(&once, open("once")), func() {})
		must(t, st.Calls.SaveLive(ctx, []*LiveCall{once, once})) // a repeat does no harm

		want, wantLog := stored(t, st, "repo")
		if len(wantLog) != 3 || want.DurationSec != 60 || len(want.Legs) != 2 || len(want.Trace) != 3 {
			t.Fatalf("reference record = %+v, log = %+v", want, wantLog)
		}
		for _, uid := range []string{"each", "once"} {
			got, gotLog := stored(t, st, uid)
			got.UID = "repo"
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: record\n got %+v\nwant %+v", uid, got, want)
			}
			if !reflect.DeepEqual(gotLog, wantLog) {
				t.Errorf("%s: call log\n got %+v\nwant %+v", uid, gotLog, wantLog)
			}
		}
		if st.Driver() == DriverSQLite {
			// Times are text in SQLite, compared as text by range queries:
			// the batched writes must spell them as the driver does.
			for _, uid := range []string{"each", "once"} {
				if got, want := timesAsText(t, st, uid), timesAsText(t, st, "repo"); got != want {
					t.Errorf("%s: times stored as\n%s\nwant\n%s", uid, got, want)
				}
			}
		}
		if once.Pending() || each.Pending() || once.ID() == 0 {
			t.Errorf("saved calls still pending or without id: %d", once.ID())
		}
	})
}

func TestSaveLiveLosesOnlyTheCallWhoseWriteFails(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Calls.Open(ctx, internalCall("taken", "209", "208", t0)))
		older, err := NewLiveCall(*internalCall("older", "201", "202", t0))
		must(t, err)
		must(t, st.Calls.SaveLive(ctx, []*LiveCall{older}))

		must(t, older.AnswerLeg(1, t0.Add(5*time.Second)))
		fresh, err := NewLiveCall(*internalCall("fresh", "203", "204", t0))
		must(t, err)
		must(t, fresh.AddTrace(TraceStep{At: t0, Step: "ring", Detail: "204"}))
		dup, err := NewLiveCall(*internalCall("taken", "205", "206", t0)) // the uid is in use
		must(t, err)
		err = st.Calls.SaveLive(ctx, []*LiveCall{older, dup, fresh})
		wantErr(t, err, ErrDuplicate)
		wantErr(t, dup.Err(), ErrDuplicate)
		if older.Err() != nil || fresh.Err() != nil || dup.Pending() {
			t.Fatalf("errors: older %v, fresh %v; failed call pending %v", older.Err(), fresh.Err(), dup.Pending())
		}

		// The failed call is skipped from then on; the others go on.
		must(t, dup.Close(t0.Add(time.Minute), DispNoAnswer))
		must(t, fresh.Close(t0.Add(time.Minute), DispNoAnswer))
		must(t, st.Calls.SaveLive(ctx, []*LiveCall{dup, fresh}))
		f, flog := stored(t, st, "fresh")
		// Replayed after the failed transaction: written once, not twice.
		if f.State != CallClosed || len(f.Legs) != 1 || len(f.Trace) != 1 || len(flog) != 2 {
			t.Fatalf("fresh record = %+v, log = %+v", f, flog)
		}
		o, olog := stored(t, st, "older")
		if o.AnsweredAt == nil || o.Legs[0].AnsweredAt == nil || olog[0].AnsweredAt == nil || olog[1].AnsweredAt == nil {
			t.Fatalf("older record lost its answer: %+v, log %+v", o, olog)
		}
		for _, ext := range []string{"205", "206"} {
			page, err := st.Calls.Log(ctx, CallLogQuery{Extension: ext})
			must(t, err)
			if len(page.Calls) != 0 {
				t.Fatalf("%s sees the failed call: %+v", ext, page.Calls)
			}
		}
	})
}

func TestLiveCallLeftOpenByACrashIsClosedOnRestart(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		lc, err := NewLiveCall(*internalCall("crash", "201", "202", t0))
		must(t, err)
		must(t, lc.AnswerLeg(1, t0.Add(5*time.Second)))
		must(t, st.Calls.SaveLive(ctx, []*LiveCall{lc}))
		must(t, lc.Close(t0.Add(time.Hour), DispAnswered)) // never saved: the process died

		n, err := st.Calls.CloseDangling(ctx, t0.Add(65*time.Second))
		must(t, err)
		got, log := stored(t, st, "crash")
		if n != 1 || got.State != CallClosed || got.Disposition != DispAnswered || got.DurationSec != 60 {
			t.Fatalf("closed %d; record = %+v", n, got)
		}
		for _, e := range log {
			if e.Disposition != DispAnswered || e.DurationSec != 60 {
				t.Fatalf("call log entry = %+v", e)
			}
		}
	})
}

func TestLiveCallRefusesWhatTheRepoRefuses(t *testing.T) {
	bad := *internalCall("bad", "201", "202", t0)
	bad.Type = "sideways"
	_, err := NewLiveCall(bad)
	wantField(t, err, "type")
	lc, err := NewLiveCall(*internalCall("ok", "201", "202", t0))
	must(t, err)
	_, err = lc.AddLeg(CallLeg{Kind: LegForward, ToNumber: "0301234;drop", StartedAt: t0})
	wantField(t, err, "leg.to")
	wantErr(t, lc.AnswerLeg(2, t0), ErrNotFound)
	wantErr(t, lc.EndLeg(1, t0, "sideways"), ErrInvalid)
	must(t, lc.Close(t0.Add(time.Minute), DispNoAnswer))
	wantErr(t, lc.AddTrace(TraceStep{At: t0, Step: "late"}), ErrInvalid)
	wantErr(t, lc.AnswerLeg(1, t0), ErrInvalid)
	wantErr(t, lc.Close(t0.Add(time.Minute), DispNoAnswer), ErrInvalid)
	if len(lc.rec.Legs) != 1 || lc.rec.Legs[0].Disposition != DispNoAnswer {
		t.Fatalf("legs after refused writes = %+v", lc.rec.Legs)
	}
}

func TestSaveLiveWritesMoreRowsThanOneStatementTakes(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		const n = 600
		calls := make([]*LiveCall, 0, n)
		for i := range n {
			c := internalCall(fmt.Sprintf("many-%d", i), "201", "202", t0.Add(time.Duration(i)*time.Second))
			c.Legs = append(c.Legs, CallLeg{Kind: LegForward, FromNumber: "202", ToNumber: "203",
				FromExtension: "202", ToExtension: "203", StartedAt: c.StartedAt})
			lc, err := NewLiveCall(*c)
			must(t, err)
			calls = append(calls, lc)
		}
		must(t, st.Calls.SaveLive(ctx, calls))
		var legs, entries int64
		must(t, st.DB().Model(&CallLeg{}).Count(&legs).Error)
		must(t, st.DB().Model(&CallLogEntry{}).Count(&entries).Error)
		if legs != 2*n || entries != 3*n {
			t.Fatalf("%d legs and %d call-log entries, want %d and %d", legs, entries, 2*n, 3*n)
		}
		// Every call changes to values of its own, all in one save.
		for i, lc := range calls {
			start := t0.Add(time.Duration(i) * time.Second)
			must(t, lc.EndLeg(1, start.Add(5*time.Second), DispNoAnswer))
			must(t, lc.AnswerLeg(2, start.Add(5*time.Second)))
			if i%2 == 0 {
				must(t, lc.Close(start.Add(time.Duration(5+i%90)*time.Second), DispAnswered))
			}
		}
		must(t, st.Calls.SaveLive(ctx, calls))
		for _, i := range []int{0, 1, 63, 64, 65, 298, 599} {
			start := t0.Add(time.Duration(i) * time.Second)
			got, log := stored(t, st, fmt.Sprintf("many-%d", i))
			wantState, wantDur, wantLeg2 := CallOpen, 0, ""
			if i%2 == 0 {
				wantState, wantDur, wantLeg2 = CallClosed, i%90, DispAnswered
			}
			if got.State != wantState || got.DurationSec != wantDur || !got.AnsweredAt.Equal(start.Add(5*time.Second)) ||
				got.Legs[0].Disposition != DispNoAnswer || got.Legs[1].Disposition != wantLeg2 ||
				!got.Legs[1].AnsweredAt.Equal(start.Add(5*time.Second)) {
				t.Fatalf("call %d = %+v", i, got)
			}
			for _, e := range log {
				if e.DurationSec != wantDur || e.AnsweredAt == nil || !e.AnsweredAt.Equal(start.Add(5*time.Second)) {
					t.Fatalf("call %d: call-log entry %+v", i, e)
				}
			}
		}
		page, err := st.Calls.Log(ctx, CallLogQuery{Extension: "203", PageSize: 1})
		must(t, err)
		if len(page.Calls) != 1 || page.Calls[0].CallID != calls[n-1].ID() {
			t.Fatalf("203's newest call = %+v, want record %d", page.Calls, calls[n-1].ID())
		}
	})
}
