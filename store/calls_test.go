package store

import (
	"context"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func internalCall(uid, from, to string, at time.Time) *CallRecord {
	return &CallRecord{
		UID: uid, Type: CallInternal, FromNumber: from, ToNumber: to, StartedAt: at,
		Legs: []CallLeg{{Kind: LegOriginal, FromNumber: from, ToNumber: to, FromExtension: from, ToExtension: to, StartedAt: at}},
	}
}

func TestCallRecordKeepsLegsAndTraceInOrder(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		c := internalCall("call-1", "201", "202", t0)
		c.Trace = []TraceStep{{At: t0, Step: "ring", Detail: "202"}}
		must(t, st.Calls.Open(ctx, c))
		must(t, st.Calls.AddTrace(ctx, c.ID, &TraceStep{At: t0.Add(20 * time.Second), Step: "forward_noanswer", Detail: "to 203"}))
		fwd := &CallLeg{Kind: LegForward, FromNumber: "202", ToNumber: "203", FromExtension: "202", ToExtension: "203", StartedAt: t0.Add(20 * time.Second)}
		must(t, st.Calls.AddLeg(ctx, c.ID, fwd))
		must(t, st.Calls.EndLeg(ctx, c.Legs[0].ID, t0.Add(20*time.Second), DispNoAnswer))
		must(t, st.Calls.AnswerLeg(ctx, fwd.ID, t0.Add(25*time.Second)))
		must(t, st.Calls.Close(ctx, c.ID, t0.Add(85*time.Second), DispAnswered))

		got, err := st.Calls.GetByUID(ctx, "call-1")
		must(t, err)
		if got.State != CallClosed || got.Disposition != DispAnswered || got.DurationSec != 60 {
			t.Fatalf("closed call = %+v", got)
		}
		if !got.AnsweredAt.Equal(t0.Add(25 * time.Second)) {
			t.Fatalf("answered at %v", got.AnsweredAt)
		}
		if len(got.Legs) != 2 || got.Legs[1].Kind != LegForward || got.Legs[1].Seq != 2 || got.Legs[1].Disposition != DispAnswered {
			t.Fatalf("legs = %+v", got.Legs)
		}
		if got.Legs[0].Disposition != DispNoAnswer {
			t.Fatalf("first leg = %+v", got.Legs[0])
		}
		if len(got.Trace) != 2 || got.Trace[0].Step != "ring" || got.Trace[1].Step != "forward_noanswer" {
			t.Fatalf("trace = %+v", got.Trace)
		}
		// The forward target is a party too.
		page, err := st.Calls.Log(ctx, CallLogQuery{Extension: "203"})
		if err == nil && len(page.Calls) == 1 && (page.Calls[0].DurationSec != 60 || page.Calls[0].Disposition != DispAnswered) {
			t.Fatalf("log entry not closed with the call: %+v", page.Calls[0])
		}
		must(t, err)
		if len(page.Calls) != 1 || page.Calls[0].CallID != c.ID || len(page.Calls[0].Trace) != 2 {
			t.Fatalf("203's log = %+v", page.Calls)
		}
	})
}

func TestClosedCallRefusesNewLegsAndTrace(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		c := internalCall("call-2", "201", "202", t0)
		must(t, st.Calls.Open(ctx, c))
		must(t, st.Calls.Close(ctx, c.ID, t0.Add(time.Minute), DispNoAnswer))
		wantErr(t, st.Calls.Close(ctx, c.ID, t0.Add(time.Minute), DispNoAnswer), ErrInvalid)
		wantErr(t, st.Calls.AddTrace(ctx, c.ID, &TraceStep{At: t0, Step: "late"}), ErrInvalid)
		wantErr(t, st.Calls.AddLeg(ctx, 9999, &CallLeg{Kind: LegForward, ToNumber: "203", StartedAt: t0}), ErrNotFound)
	})
}

func TestCloseDanglingClosesOpenCallsAfterCrash(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		ringing := internalCall("crash-ringing", "201", "202", t0)
		talking := internalCall("crash-talking", "203", "204", t0)
		done := internalCall("done", "205", "206", t0)
		for _, c := range []*CallRecord{ringing, talking, done} {
			must(t, st.Calls.Open(ctx, c))
		}
		must(t, st.Calls.AnswerLeg(ctx, talking.Legs[0].ID, t0.Add(5*time.Second)))
		must(t, st.Calls.Close(ctx, done.ID, t0.Add(10*time.Second), DispNoAnswer))

		n, err := st.Calls.CloseDangling(ctx, t0.Add(65*time.Second))
		must(t, err)
		if n != 2 {
			t.Fatalf("closed %d, want 2", n)
		}
		r, err := st.Calls.Get(ctx, ringing.ID)
		must(t, err)
		if r.State != CallClosed || r.Disposition != DispFailed || r.Legs[0].EndedAt == nil {
			t.Fatalf("ringing call after restart = %+v", r)
		}
		tk, err := st.Calls.Get(ctx, talking.ID)
		must(t, err)
		if tk.Disposition != DispAnswered || tk.DurationSec != 60 {
			t.Fatalf("talking call after restart = %+v", tk)
		}
		d, err := st.Calls.Get(ctx, done.ID)
		must(t, err)
		if !d.EndedAt.Equal(t0.Add(10 * time.Second)) {
			t.Fatalf("closed call was touched: %+v", d)
		}
		n, err = st.Calls.CloseDangling(ctx, t0.Add(time.Hour))
		must(t, err)
		if n != 0 {
			t.Fatalf("second run closed %d", n)
		}
	})
}

func TestOpenCallRefusesBadInputWithoutWritingAnything(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		bad := internalCall("bad", "201", "202", t0)
		bad.Legs = append(bad.Legs, CallLeg{Kind: LegForward, ToNumber: "0301234;drop", StartedAt: t0})
		wantField(t, st.Calls.Open(ctx, bad), "leg.to")
		badType := internalCall("bad2", "201", "202", t0)
		badType.Type = "sideways"
		wantField(t, st.Calls.Open(ctx, badType), "type")
		// A leg naming a bad extension fails inside the transaction: nothing stays.
		dup := internalCall("dup", "201", "202", t0)
		must(t, st.Calls.Open(ctx, dup))
		again := internalCall("dup", "201", "202", t0)
		wantErr(t, st.Calls.Open(ctx, again), ErrDuplicate)
		page, err := st.Calls.Log(ctx, CallLogQuery{Extension: "201"})
		must(t, err)
		if len(page.Calls) != 1 {
			t.Fatalf("201 sees %d calls, want 1", len(page.Calls))
		}
	})
}

func TestCallToAFeatureCodeIsRecordedButPunctuationIsNot(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		vm := &CallRecord{UID: "fc", Type: CallInternal, FromNumber: "201", ToNumber: "*60#", StartedAt: t0,
			Legs: []CallLeg{{Kind: LegVoicemail, FromNumber: "201", ToNumber: "201", FromExtension: "201", StartedAt: t0}}}
		must(t, st.Calls.Open(ctx, vm))
		for _, to := range []string{"+*60#", "20-1", "201;x", ""} {
			bad := internalCall("bad-"+to, "201", "202", t0)
			bad.ToNumber = to
			wantField(t, st.Calls.Open(ctx, bad), "to")
		}
	})
}
