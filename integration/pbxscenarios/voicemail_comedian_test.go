package pbxscenarios

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// hearsMessage waits until p hears a message's tone of freq Hz: the
// envelope before it ("first message, received today at …") can take
// longer than one wait on Asterisk, so the wait starts 3 s in.
func hearsMessage(w *world, p *harness.Phone, freq float64) {
	w.Wait(3 * time.Second)
	p.HearsTone(freq)
}

// listenToANewMessage has a leave a message of talk with a 1000 Hz tone in
// mailbox 102 (PIN 4711), then b log in to it and start listening (1).
func (w *world) listenToANewMessage(a, b *harness.Phone, talk time.Duration) {
	w.leaveMessage(a, "102", 1000, talk, 1)
	login(b, "4711")
	b.SendDTMF("1")
}

// Before a message Comedian Mail says when it came (envelope=yes) but not
// who left it (saycid=no); advanced option 3 says both again.
func TestMessageEnvelopeIsSaidBeforeItAndOnAdvancedThree(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), straightToVoicemail("102"))
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		w.listenToANewMessage(a, b, 3*time.Second)
		b.Hears("vm-received")
		b.Hears("digits/today")
		b.HearsTone(1000)
		b.NotHeard("vm-from")
		b.Hears("vm-repeat")
		b.SendDTMF("3")
		b.Hears("vm-tohearenv")
		b.SendDTMF("3")
		b.Hears("vm-from") // then the digits of 101
		b.Hangup()
		w.idle()
	})
}

// Forwarding with 1 (prepend) records an introduction on the forwarder's
// call; the target hears it, then the message.
func TestForwardWithAnIntroductionPlaysItBeforeTheMessage(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), withVoicemail("103", "5822"), straightToVoicemail("102"))
	run(t, []string{"101", "102", "103"}, setup, func(t *testing.T, w *world) {
		a, b, c := w.Phone("101"), w.Phone("102"), w.Phone("103")
		w.listenToANewMessage(a, b, 3*time.Second)
		hearsMessage(w, b, 1000)
		b.SendDTMF("8")
		b.Hears("vm-extension")
		b.SendDTMF("103#")
		w.Wait(4 * time.Second) // the target's digits, then the choice: longer than one wait
		b.Hears("vm-forwardoptions")
		b.SendDTMF("1")
		w.Wait(3 * time.Second) // the prompt is 7 s: more than one wait on a loaded machine
		b.Hears("vm-record-prepend")
		b.PlayTone(700) // on before the beep: the simulator records what is sent then
		b.Hears("beep")
		w.Wait(2 * time.Second)
		b.StopTone()
		b.SendDTMF("#")
		b.Hears("vm-msgforwarded")
		b.Hangup()
		w.lamp("103", 1, 0)
		fwd, err := w.st.Voicemail.List(context.Background(), "103", store.FolderNew)
		if err != nil || len(fwd) != 1 || !strings.HasPrefix(fwd[0].IntroPath, "vm/103/intro-") {
			t.Fatalf("103's new messages %+v (%v), want one with an introduction", fwd, err)
		}

		login(c, "5822")
		c.SendDTMF("1")
		hearsMessage(w, c, 700) // the introduction,
		c.HearsTone(1000)       // then the message
		c.Hangup()
		w.idle()
	})
}

// # skips 3 s forward in a playing message: it ends 3 s sooner than when
// left alone (the two plays are timed alike, from the message's first tone
// to the menu after it).
func TestPoundDuringAMessageSkipsThreeSecondsForward(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), straightToVoicemail("102"))
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		w.leaveMessage(a, "102", 1000, 8*time.Second, 1)
		timed := func(keys string) time.Duration {
			login(b, "4711")
			b.SendDTMF("1")
			hearsMessage(w, b, 1000)
			start := w.Clock().Now()
			if keys != "" {
				b.SendDTMF(keys)
			}
			w.Wait(4 * time.Second) // the rest of the message outlasts one wait
			b.Hears("vm-repeat")
			took := w.Clock().Now().Sub(start)
			b.Hangup()
			w.idle()
			return took
		}
		whole := timed("")
		skipped := timed("#")
		t.Logf("the message to its menu: %s alone, %s with #", whole, skipped)
		if d := whole - skipped; d < 2*time.Second || d > 4*time.Second {
			t.Errorf("# shortened the message by %s (%s alone, %s with #), want 3 s", d, whole, skipped)
		}
	})
}

// 0 pauses a playing message and 0 again resumes it where it stopped; 2
// plays it again from its start (Comedian Mail's keys during a message).
func TestZeroPausesAndResumesAMessageAndTwoRestartsIt(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), straightToVoicemail("102"))
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b := w.Phone("101"), w.Phone("102")
		w.listenToANewMessage(a, b, 6*time.Second)
		hearsMessage(w, b, 1000)
		b.SendDTMF("0")
		w.Wait(time.Second)  // the key reaches the app, which pauses
		b.NotHearsTone(1000) // paused: 1.5 s of silence
		w.Wait(3 * time.Second)
		b.NotHearsTone(1000) // still paused
		b.SendDTMF("0")
		b.HearsTone(1000) // resumed
		b.SendDTMF("2")
		// Restarted: the message plays from its start, so its 6 s of tone
		// are heard again before the menu after it.
		start := w.Clock().Now()
		w.Wait(4 * time.Second)
		b.HearsTone(1000)
		b.Hears("vm-repeat")
		if took := w.Clock().Now().Sub(start); took < 5*time.Second {
			t.Errorf("the menu came %s after 2, want the whole message (6 s) first", took)
		}
		b.Hangup()
		w.idle()
	})
}

// A greeting recorded under the old flat name (vm-<box>-greet-busy, before
// greetings moved to vm/<box>/) is still what callers hear.
func TestBusyGreetingUnderTheOldFlatNameIsStillPlayed(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), straightToVoicemail("102"))
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a := w.Phone("101")
		w.leaveMessage(a, "102", 800, 3*time.Second, 1)
		msgs, err := w.st.Voicemail.List(context.Background(), "102", "")
		if err != nil {
			t.Fatal(err)
		}
		// A recording of 800 Hz made a greeting under the old name.
		src := strings.TrimSuffix(msgs[0].FilePath, ".wav")
		if _, err := w.ARI().Recordings().CopyStored(w.Context(), src, ari.RecordingCopyStoredParams{DestinationRecordingName: "vm-102-greet-busy"}); err != nil {
			t.Fatal(err)
		}
		a.Dial("102")
		a.WaitAnswered()
		a.HearsTone(800)
		a.Hears("vm-intro")
		a.NotHeard("vm-theperson")
		a.Hangup()
		w.idle()
	})
}

// A mailbox locked by wrong passwords stays locked when the PBX restarts on
// the same store (the failures and the lock live there), and on the
// simulator's clock it opens again once the lock time (15 min) has passed.
func TestMailboxLockSurvivesARestartAndEndsAfterTheLockTime(t *testing.T) {
	exts := []string{"101", "102"}
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t, exts)
			withVoicemail("102", "4711")(t, st)
			h := harness.New(t, mode, harness.Options{Extensions: exts})
			_, stopFirst := startPBX(t, h, st, h.Env().ARIURL)
			// Nine failures are in the store already; the tenth, by phone,
			// locks the mailbox (10 within 15 minutes).
			policy := store.LockoutPolicy{Failures: 10, Window: 15 * time.Minute, LockFor: 15 * time.Minute}
			for i := 0; i < 9; i++ {
				if _, err := st.Voicemail.LoginFailed(ctx, "102", h.Clock().Now(), policy); err != nil {
					t.Fatal(err)
				}
			}
			a := h.Phone("101")
			tryMailbox(a, "0000")
			a.Hears("vm-goodbye")
			a.WaitHungUp()
			a.NotHeard("vm-incorrect-mailbox")
			stopFirst()

			startPBX(t, h, st, h.Env().ARIURL)
			tryMailbox(a, "4711")
			a.Hears("vm-goodbye")
			a.WaitHungUp()
			a.NotHeard("vm-youhave")
			if mode == harness.ModeSim {
				h.Clock().(*clock.Fake).Advance(15 * time.Minute)
			} else {
				// On the real clock the stored lock is made to end now
				// rather than in 15 minutes: the app reads it at every
				// log-in, so this is the lock time passing.
				end := h.Clock().Now().Add(-time.Second)
				if err := st.DB().Model(&store.VoicemailLockout{}).Where("mailbox = ?", "102").
					Update("locked_until", end).Error; err != nil {
					t.Fatal(err)
				}
			}
			tryMailbox(a, "4711")
			a.Hears("vm-youhave")
			a.Hangup()
		})
	}
}

// tryMailbox calls the voicemail main menu (*60#) and enters mailbox 102
// with pin.
func tryMailbox(p *harness.Phone, pin string) {
	p.Dial("*60#")
	p.WaitAnswered()
	p.Hears("vm-login")
	p.SendDTMF("102#")
	p.Hears("vm-password")
	p.SendDTMF(pin + "#")
}
