package pbxscenarios

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

func TestDNDWithVoicemailChosenSendsCallersToTheMailboxAndOutboundStillWorks(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		withVoicemail("102", "4711")(t, st)
		e, err := st.Extensions.Get(context.Background(), "102")
		if err != nil {
			t.Fatal(err)
		}
		e.DND, e.DNDToVoicemail = true, true
		if err := st.Extensions.Update(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		a.Dial("102")
		a.WaitAnswered()
		b.NotRinging(500 * time.Millisecond)
		a.Hears("vm-isonphone") // the busy greeting
		a.Hears("beep")
		a.PlayTone(1000)
		w.Wait(3 * time.Second)
		a.Hangup()
		w.Eventually("the message to be stored", 0, func() bool {
			msgs, err := w.st.Voicemail.List(context.Background(), "102", "")
			return err == nil && len(msgs) == 1 && msgs[0].DurationSec >= 1
		})
		w.idle()
		rec := w.lastRecord(t, "101")
		if !traceHas(rec, "dnd", "do-not-disturb: voicemail") {
			t.Errorf("trace %+v does not say DND sent the caller to voicemail", rec.Trace)
		}
		b.Dial("101") // outbound still works
		a.WaitRinging()
		a.Answer()
		b.WaitAnswered()
		b.PlayTone(600)
		a.HearsTone(600)
		b.Hangup()
		a.WaitHungUp()
		w.idle()
	})
}

// lastCaller stores an answered inbound call from number to ext, as a trunk
// call leaves it.
func lastCaller(ext, number string) func(t *testing.T, st *store.Store) {
	return func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		start := time.Now().Add(-time.Hour)
		rec := &store.CallRecord{UID: "seeded-inbound-1", Type: store.CallInbound, FromNumber: number, ToNumber: ext,
			StartedAt: start, Legs: []store.CallLeg{{Kind: store.LegOriginal, FromNumber: number, ToNumber: ext,
				ToExtension: ext, StartedAt: start}}}
		if err := st.Calls.Open(ctx, rec); err != nil {
			t.Fatal(err)
		}
		if err := st.Calls.Close(ctx, rec.ID, start.Add(time.Minute), store.DispAnswered); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLastExternalCallerIsBlacklistedAndDeletedByCode(t *testing.T) {
	run(t, []string{"101"}, lastCaller("101", "855307096"), func(t *testing.T, w *world) {
		a := w.Phone("101")
		blacklisted := func() bool {
			ok, err := w.st.Blacklist.Contains(context.Background(), "855307096")
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		a.Dial("*76#")
		a.WaitAnswered()
		a.Hears("num-was-successfully")
		a.Hears("added")
		a.WaitHungUp(15 * time.Second)
		if !blacklisted() {
			t.Fatal("the last external caller 855307096 was not blacklisted")
		}
		a.Dial("*075#")
		a.WaitAnswered()
		a.Hears("enter-num-blacklist")
		a.SendDTMF("9855307096#")
		a.Hears("removed")
		a.WaitHungUp(15 * time.Second)
		if blacklisted() {
			t.Fatal("*075# left 855307096 on the blacklist")
		}
		w.idle()
	})
}

func TestExtensionNumbersAreRefusedForTheBlacklistWithAPrompt(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a := w.Phone("101")
		a.Dial("*75#")
		a.WaitAnswered()
		a.Hears("enter-num-blacklist")
		a.SendDTMF("102#")
		a.Hears("invalid")
		a.Hangup()
		w.idle()
		entries, err := w.st.Blacklist.List(context.Background())
		if err != nil || len(entries) != 0 {
			t.Fatalf("blacklist holds %+v (%v), want nothing", entries, err)
		}
	})
}

func TestUnknownNumberIsRefusedWithAPrompt(t *testing.T) {
	run(t, []string{"101"}, nil, func(t *testing.T, w *world) {
		a := w.Phone("101")
		a.Dial("155")
		a.Hears("pbx-invalid")
		a.WaitHungUp(15 * time.Second)
		a.NotHeard("vm-isunavail")
		w.idle()
		rec := w.lastRecord(t, "101")
		if !traceHas(rec, "reject", "155") {
			t.Errorf("trace %+v does not say the number was refused", rec.Trace)
		}
	})
}
