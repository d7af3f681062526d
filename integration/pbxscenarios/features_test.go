package pbxscenarios

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/store"
)

func TestCallToAnUnregisteredExtensionEndsAsNoAnswer(t *testing.T) {
	run(t, []string{"101", "103"}, nil, func(t *testing.T, w *world) {
		a := w.Phone("101")
		w.Unregistered("103")
		a.Dial("103")
		w.Wait(6 * time.Second) // the "is unavailable" prompt, played as early media
		if cause := a.WaitHungUp(); cause != 19 {
			t.Errorf("caller's call ended with cause %d, want 19 (no answer)", cause)
		}
		w.idle()
	})
}

func TestFollowMeRingsTheListAfterTheOwnExtension(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		err := st.FollowMe.Set(context.Background(), &store.FollowMe{Extension: "102", Enabled: true, OwnRingSec: 5,
			Steps: []store.FollowMeStep{{Position: 1, Number: "103", RingSec: 5}, {Position: 2, Number: "104", RingSec: 10}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	run(t, []string{"101", "102", "103", "104"}, setup, func(t *testing.T, w *world) {
		a, b, c, d := w.Phone("101"), w.Phone("102"), w.Phone("103"), w.Phone("104")
		a.Dial("102")
		b.WaitRinging()
		w.Wait(6 * time.Second)
		b.WaitHungUp()
		c.WaitRinging()
		w.Wait(6 * time.Second)
		c.WaitHungUp()
		d.WaitRinging()
		d.Answer()
		a.WaitAnswered()
		a.PlayTone(1000)
		d.HearsTone(1000)
		a.Hangup()
		d.WaitHungUp()
		w.idle()
	})
}

func TestBlacklistCodeStoresTheTypedNumberInCanonicalForm(t *testing.T) {
	run(t, []string{"101"}, nil, func(t *testing.T, w *world) {
		a := w.Phone("101")
		a.Dial("*75#")
		a.WaitAnswered()
		a.Hears("enter-num-blacklist")
		a.SendDTMF("9855307096#")
		a.WaitHungUp(20 * time.Second)
		ok, err := w.st.Blacklist.Contains(context.Background(), "855307096")
		if err != nil || !ok {
			t.Fatalf("855307096 not blacklisted (%v)", err)
		}
	})
}

func TestOwnExtensionIsAnnounced(t *testing.T) {
	run(t, []string{"101"}, nil, func(t *testing.T, w *world) {
		a := w.Phone("101")
		a.Dial("**13#")
		a.WaitAnswered()
		a.Hears("extension")
		a.WaitHungUp(15 * time.Second)
		if w.Mode() == harness.ModeSim {
			w.idle()
		}
	})
}

func TestIntercomIsAnsweredByThePhoneAndPagingIsHeardOneWay(t *testing.T) {
	run(t, []string{"101", "102"}, nil, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		for _, c := range []struct {
			code   string
			oneWay bool
		}{{"*50102#", false}, {"*51102#", true}} {
			a.Dial(c.code)
			a.WaitAnswered()
			w.Eventually("102 to answer "+c.code+" by itself", 0, func() bool { return b.State() == "up" })
			a.PlayTone(1000)
			b.PlayTone(600)
			b.HearsTone(1000)
			if c.oneWay {
				// On Asterisk 22.10.1 the pager then gets no RTP at all
				// (its only peer is muted: measured 0.0 s of audio); the
				// harness counts audio that never arrived as silence.
				a.NotHearsTone(600)
			} else {
				a.HearsTone(600)
			}
			a.Hangup()
			b.WaitHungUp()
			w.idle()
		}
	})
}
