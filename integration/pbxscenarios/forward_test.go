package pbxscenarios

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

// forwards stores forward targets before the PBX starts: each entry is
// extension, kind (store.ForwardAll/Busy/NoAnswer) and target.
func forwards(entries ...[3]string) func(t *testing.T, st *store.Store) {
	return func(t *testing.T, st *store.Store) {
		for _, e := range entries {
			if err := st.Forwards.Set(context.Background(), e[0], e[1], store.ForwardTarget{Number: e[2], Enabled: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// lastRecord waits until the newest call record in ext's call log is
// closed and returns it with its legs and trace.
func (w *world) lastRecord(t *testing.T, ext string) *store.CallRecord {
	t.Helper()
	var rec *store.CallRecord
	w.Eventually(ext+"'s newest call record to be closed", 0, func() bool {
		page, err := w.st.Calls.Log(context.Background(), store.CallLogQuery{Extension: ext})
		if err != nil || len(page.Calls) == 0 {
			return false
		}
		rec, err = w.st.Calls.Get(context.Background(), page.Calls[0].CallID)
		return err == nil && rec.State == store.CallClosed
	})
	return rec
}

// traceHas reports whether a step of the record's trace is named step and
// its detail contains detail.
func traceHas(rec *store.CallRecord, step, detail string) bool {
	for _, s := range rec.Trace {
		if s.Step == step && strings.Contains(s.Detail, detail) {
			return true
		}
	}
	return false
}

func TestBusyExtensionForwardsOnBusySetByCode(t *testing.T) {
	run(t, []string{"101", "102", "103", "104"}, nil, func(t *testing.T, w *world) {
		a, b, c, d := w.Phone("101"), w.Phone("102"), w.Phone("103"), w.Phone("104")
		b.Dial("*72104#")
		b.WaitAnswered()
		b.WaitHungUp()
		w.Eventually("102's forward on busy to be stored", 0, func() bool {
			f, err := w.st.Forwards.Get(context.Background(), "102")
			return err == nil && f.Busy.Enabled && f.Busy.Number == "104" && !f.All.Enabled
		})
		w.answered(a, b, "102")
		c.Dial("102") // 102 is talking: forward on busy to 104
		d.WaitRinging()
		d.Answer()
		c.WaitAnswered()
		c.PlayTone(1000)
		d.HearsTone(1000)
		c.Hangup()
		d.WaitHungUp()
		if st := b.State(); st != "up" {
			t.Errorf("102's first call is %s after the forwarded call, want up", st)
		}
		a.Hangup()
		b.WaitHungUp()
		w.idle()
		rec := w.lastRecord(t, "103")
		if !traceHas(rec, "forward-busy", "104") {
			t.Errorf("the forwarded call's trace %+v has no forward-busy step to 104", rec.Trace)
		}
	})
}

func TestForwardsFromTheStoreChainBusyThenNoAnswer(t *testing.T) {
	// 101 is busy -> forward on busy to 102; 102 does not answer ->
	// forward on no answer to 103, who answers.
	setup := forwards([3]string{"101", store.ForwardBusy, "102"}, [3]string{"102", store.ForwardNoAnswer, "103"})
	run(t, []string{"101", "102", "103", "104", "105"}, setup, func(t *testing.T, w *world) {
		p101, p102, p103, p104, p105 := w.Phone("101"), w.Phone("102"), w.Phone("103"), w.Phone("104"), w.Phone("105")
		w.answered(p104, p101, "101")
		p105.Dial("101")
		p102.WaitRinging()
		p103.NotRinging(time.Second)
		w.Wait(ringTime)
		p102.WaitHungUp()
		p103.WaitRinging()
		p103.Answer()
		p105.WaitAnswered()
		p105.PlayTone(1000)
		p103.HearsTone(1000)
		p103.Hangup()
		if cause := p105.WaitHungUp(); cause != 16 {
			t.Errorf("the caller's call ended with cause %d, want 16", cause)
		}
		p104.Hangup()
		p101.WaitHungUp()
		w.idle()
		rec := w.lastRecord(t, "105")
		if !traceHas(rec, "forward-busy", "102") || !traceHas(rec, "forward-noanswer", "103") {
			t.Errorf("trace %+v lacks the busy -> 102 and no answer -> 103 steps", rec.Trace)
		}
		if rec.Disposition != store.DispAnswered || len(rec.Legs) < 2 {
			t.Errorf("record %s with %d legs, want answered with the forward legs", rec.Disposition, len(rec.Legs))
		}
	})
}

func TestForwardingLoopIsCutAndTheCallerHearsBusy(t *testing.T) {
	setup := forwards([3]string{"101", store.ForwardAll, "102"}, [3]string{"102", store.ForwardAll, "101"})
	run(t, []string{"101", "102", "103"}, setup, func(t *testing.T, w *world) {
		p101, p102, p103 := w.Phone("101"), w.Phone("102"), w.Phone("103")
		p103.Dial("101")
		if cause := p103.WaitHungUp(); cause != 17 {
			t.Errorf("the caller's call ended with cause %d, want 17 (busy tone)", cause)
		}
		p101.NotRinging(500 * time.Millisecond)
		p102.NotRinging(500 * time.Millisecond)
		w.idle()
		rec := w.lastRecord(t, "103")
		if !traceHas(rec, "loop", "forwarding loop cut") {
			t.Errorf("trace %+v does not say the forwarding loop was cut", rec.Trace)
		}
		if !traceHas(rec, "forward-all", "101 forwards all calls to 102") || !traceHas(rec, "forward-all", "102 forwards all calls to 101") {
			t.Errorf("trace %+v lacks the two forward steps", rec.Trace)
		}
	})
}
