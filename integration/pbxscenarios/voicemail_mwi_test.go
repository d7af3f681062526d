package pbxscenarios

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/store"
)

// Messages left, heard or deleted while the app was away show on the lamps
// as soon as the PBX is connected: it reconciles them from the store.
func TestPBXLightsTheLampsFromTheStoreWhenItConnects(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		withVoicemail("102", "4711")(t, st)
		for _, f := range []string{"msg-a", "msg-b"} {
			err := st.Voicemail.Create(context.Background(), &store.VoicemailMessage{Mailbox: "102", CallerNumber: "101",
				ReceivedAt: time.Now(), DurationSec: 3, FilePath: "vm/102/" + f + ".wav"})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		w.lamp("102", 2, 0)
	})
}

// After a restart Asterisk shows the lamps it kept in astdb; reconciling
// publishes the store's counts and clears lamps of mailboxes that have none.
func TestReconciledLampsFollowTheStoreAndStrayOnesAreCleared(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		withVoicemail("102", "4711")(t, st)
		err := st.Voicemail.Create(context.Background(), &store.VoicemailMessage{Mailbox: "102", CallerNumber: "101",
			ReceivedAt: time.Now(), DurationSec: 3, FilePath: "vm/102/msg-seeded.wav"})
		if err != nil {
			t.Fatal(err)
		}
	}
	run(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		ctx := w.Context()
		for name, n := range map[string]int{"102@default": 0, "199@default": 2} {
			if err := w.ARI().Mailboxes().Update(ctx, name, ari.MailboxUpdateParams{NewMessages: n}); err != nil {
				t.Fatal(err)
			}
		}
		svc, err := voicemail.New(voicemail.Options{Messages: w.st.Voicemail})
		if err != nil {
			t.Fatal(err)
		}
		boxes, err := voicemail.EnabledMailboxes(ctx, w.st.Extensions)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.ReconcileMWI(ctx, w.ARI(), boxes); err != nil {
			t.Fatal(err)
		}
		w.lamp("102", 1, 0)
		if _, err := w.ARI().Mailboxes().Get(ctx, "199@default"); !errors.Is(err, ari.ErrNotFound) {
			t.Errorf("the stray lamp of 199: %v, want it deleted (404)", err)
		}
	})
}
