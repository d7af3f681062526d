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

func TestLastExternalCallerBlacklistedByCodeIsRejectedUntilDeletedByCode(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		err := st.Trunks.CreateRoute(context.Background(), &store.InboundRoute{DID: providerDID,
			DestinationType: store.DestExtension, DestinationValue: "102"})
		if err != nil {
			t.Fatal(err)
		}
	}
	runTrunk(t, []string{"102"}, setup, func(t *testing.T, w *world) {
		b, provider := w.Phone("102"), w.Trunk()
		blacklisted := func() bool {
			ok, err := w.st.Blacklist.Contains(context.Background(), spamNumber)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		provider.Call(providerDID, spamNumber, "")
		b.WaitRinging()
		b.Answer()
		provider.WaitAnswered()
		provider.Hangup()
		b.WaitHungUp()
		if e := w.newestCall(t, "102"); e.FromNumber != spamNumber {
			t.Fatalf("102's newest call is from %q, want %s", e.FromNumber, spamNumber)
		}

		b.Dial("*76#")
		b.WaitAnswered()
		b.Hears("num-was-successfully")
		b.Hears("added")
		b.WaitHungUp(15 * time.Second)
		if !blacklisted() {
			t.Fatalf("*76# did not blacklist the last external caller %s", spamNumber)
		}
		provider.Call(providerDID, spamNumber, "")
		if cause := provider.WaitHungUp(); cause != 21 {
			t.Errorf("the blacklisted caller's next call ended with cause %d, want 21 (rejected)", cause)
		}
		if st := b.State(); st == "ringing" {
			t.Error("102 rings for a blacklisted caller")
		}

		b.Dial("*075#")
		b.WaitAnswered()
		b.Hears("enter-num-blacklist")
		b.SendDTMF("9" + spamNumber + "#")
		b.Hears("removed")
		b.WaitHungUp(15 * time.Second)
		if blacklisted() {
			t.Fatalf("*075# left %s on the blacklist", spamNumber)
		}
		provider.Call(providerDID, spamNumber, "")
		b.WaitRinging()
		provider.Hangup()
		b.WaitHungUp()
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
