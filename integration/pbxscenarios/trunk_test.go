package pbxscenarios

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/store"
)

// The provider's numbers in these scenarios (no country code is configured,
// so the canonical form is the number without the outbound prefix 9).
const (
	externalNumber = "0301234567" // dialled as 9 0301234567
	providerDID    = "0309876543" // a DID the provider delivers
	acmeNumber     = "4915112345" // a caller in the company phonebook
	spamNumber     = "855307096"  // a blacklisted caller
)

// newestCall waits until ext's call log shows a finished call and returns
// the newest entry.
func (w *world) newestCall(t *testing.T, ext string) store.CallLogEntry {
	t.Helper()
	var got store.CallLogEntry
	w.Eventually(ext+"'s call log to show the finished call", 0, func() bool {
		page, err := w.st.Calls.Log(context.Background(), store.CallLogQuery{Extension: ext})
		if err != nil || len(page.Calls) == 0 || page.Calls[0].Disposition == "" {
			return false
		}
		got = page.Calls[0]
		return true
	})
	return got
}

// traced reports whether the entry's trace has a step whose detail holds text.
func traced(e store.CallLogEntry, step, text string) bool {
	for _, s := range e.Trace {
		if s.Step == step && strings.Contains(s.Detail, text) {
			return true
		}
	}
	return false
}

// talk checks audio both ways between two answered parties, then a hangs up.
func talk(t *testing.T, a, b interface {
	PlayTone(float64)
	HearsTone(float64)
}) {
	t.Helper()
	a.PlayTone(1000)
	b.PlayTone(600)
	b.HearsTone(1000)
	a.HearsTone(600)
}

func TestTrunkExternalNumberGoesOutInCanonicalFormAndAnInternalOnlyExtensionIsRefused(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		e, err := st.Extensions.Get(context.Background(), "102")
		if err != nil {
			t.Fatal(err)
		}
		e.OutboundClass = "internal"
		if err := st.Extensions.Update(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	runTrunk(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b, provider := w.Phone("101"), w.Phone("102"), w.Trunk()
		a.Dial("9" + externalNumber + "#")
		if got := provider.WaitIncoming(); got != externalNumber {
			t.Errorf("the provider was asked for %q, want %s", got, externalNumber)
		}
		provider.Answer()
		a.WaitAnswered()
		talk(t, a, provider)
		provider.Hangup()
		if cause := a.WaitHungUp(); cause != 16 {
			t.Errorf("101's call ended with cause %d, want 16", cause)
		}
		if e := w.newestCall(t, "101"); e.Type != store.CallOutbound || e.ToNumber != externalNumber || e.Disposition != store.DispAnswered {
			t.Errorf("101's call log shows %s call to %q (%s), want an answered outbound call to %s", e.Type, e.ToNumber, e.Disposition, externalNumber)
		}
		w.idle()

		b.Dial("9" + externalNumber + "#")
		b.Hears("ss-noservice")
		b.WaitHungUp(20 * time.Second)
		provider.NotRinging(time.Second)
		w.idle()
	})
}

func TestTrunkEmergencyNumberGoesOutEvenFromAnInternalOnlyExtension(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		e, err := st.Extensions.Get(context.Background(), "102")
		if err != nil {
			t.Fatal(err)
		}
		e.OutboundClass = "internal"
		if err := st.Extensions.Update(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	runTrunk(t, []string{"102"}, setup, func(t *testing.T, w *world) {
		b, provider := w.Phone("102"), w.Trunk()
		b.Dial("112")
		if got := provider.WaitIncoming(); got != "112" {
			t.Errorf("the provider was asked for %q, want 112", got)
		}
		provider.Answer()
		b.WaitAnswered()
		talk(t, b, provider)
		b.Hangup()
		provider.WaitHungUp()
		w.idle()
	})
}

func TestTrunkCallFollowsItsDIDRouteAndShowsThePhonebookName(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.Trunks.CreateRoute(ctx, &store.InboundRoute{DID: providerDID, DestinationType: store.DestExtension, DestinationValue: "102"}); err != nil {
			t.Fatal(err)
		}
		if err := st.Contacts.Create(ctx, &store.Contact{Name: "Acme Support", Numbers: []store.ContactNumber{{Number: acmeNumber}}}); err != nil {
			t.Fatal(err)
		}
	}
	runTrunk(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b, provider := w.Phone("101"), w.Phone("102"), w.Trunk()
		provider.Call(providerDID, acmeNumber, "ACME GMBH")
		b.WaitRinging()
		if num, name := b.CallerID(), b.CallerName(); num != acmeNumber || name != "Acme Support" {
			t.Errorf("102 shows %q <%s>, want the phonebook's \"Acme Support\" <%s>", name, num, acmeNumber)
		}
		a.NotRinging(time.Second)
		b.Answer()
		provider.WaitAnswered()
		talk(t, provider, b)
		provider.Hangup()
		if cause := b.WaitHungUp(); cause != 16 {
			t.Errorf("102's call ended with cause %d, want 16", cause)
		}
		e := w.newestCall(t, "102")
		if e.Type != store.CallInbound || e.FromNumber != acmeNumber || !traced(e, "inbound-route", providerDID+" -> 102") {
			t.Errorf("102's call log shows %s call from %s, trace %+v; want inbound from %s routed by DID %s",
				e.Type, e.FromNumber, e.Trace, acmeNumber, providerDID)
		}
		w.idle()
	})
}

func TestTrunkCallFromABlacklistedNumberIsRejectedWithoutRinging(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.Trunks.CreateRoute(ctx, &store.InboundRoute{DID: providerDID, DestinationType: store.DestExtension, DestinationValue: "102"}); err != nil {
			t.Fatal(err)
		}
		if err := st.Blacklist.Add(ctx, &store.BlacklistEntry{Number: spamNumber, AddedBy: "102"}); err != nil {
			t.Fatal(err)
		}
	}
	runTrunk(t, []string{"102"}, setup, func(t *testing.T, w *world) {
		b, provider := w.Phone("102"), w.Trunk()
		provider.Call(providerDID, spamNumber, "")
		if cause := provider.WaitHungUp(); cause != 21 {
			t.Errorf("the blacklisted caller's call ended with cause %d, want 21 (rejected)", cause)
		}
		if b.State() != "idle" {
			t.Errorf("102's phone is %s: it rang for a blacklisted caller", b.State())
		}
		e := w.newestCall(t, "102")
		if e.Type != store.CallInbound || !traced(e, "blacklist", spamNumber) {
			t.Errorf("102's call log shows %s call with trace %+v, want the blacklist step for %s", e.Type, e.Trace, spamNumber)
		}
		w.idle()
	})
}

func TestTrunkForwardToAnExternalNumberGoesOutWithoutThePrefix(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		if err := st.Forwards.Set(context.Background(), "102", store.ForwardAll, store.ForwardTarget{Number: "9" + externalNumber, Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	runTrunk(t, []string{"101", "102"}, setup, func(t *testing.T, w *world) {
		a, b, provider := w.Phone("101"), w.Phone("102"), w.Trunk()
		a.Dial("102")
		if got := provider.WaitIncoming(); got != externalNumber {
			t.Errorf("the forward reached the provider as %q, want %s", got, externalNumber)
		}
		b.NotRinging(time.Second)
		provider.Answer()
		a.WaitAnswered()
		talk(t, a, provider)
		a.Hangup()
		provider.WaitHungUp()
		w.idle()
	})
}

func TestAnnounceSaysTheWANAddressAndTheLANAddress(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		s, err := st.Settings.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		s.WANAddress, s.LANAddress = "192.0.2.7", "10.0.0.5"
		if err := st.Settings.Save(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	run(t, []string{"101"}, setup, func(t *testing.T, w *world) {
		a := w.Phone("101")
		for _, c := range []struct{ code, says, notSays string }{
			{"**11#", "digits/7", "digits/5"}, // 192.0.2.7
			{"**12#", "digits/5", "digits/7"}, // 10.0.0.5
		} {
			a.Dial(c.code)
			a.WaitAnswered()
			a.Hears("letters/dot")
			a.Hears(c.says)
			a.WaitHungUp(15 * time.Second)
			a.NotHeard(c.notSays)
			if w.Mode() == harness.ModeSim {
				w.idle()
			}
		}
	})
}

func TestTrunkBusyProviderMakesTheCallerBusy(t *testing.T) {
	runTrunk(t, []string{"101"}, nil, func(t *testing.T, w *world) {
		a, provider := w.Phone("101"), w.Trunk()
		a.Dial("9" + externalNumber)
		provider.WaitIncoming()
		provider.Reject()
		if cause := a.WaitHungUp(); cause != 17 {
			t.Errorf("101's call ended with cause %d when the provider was busy, want 17", cause)
		}
		if e := w.newestCall(t, "101"); e.Type != store.CallOutbound || e.Disposition != store.DispBusy {
			t.Errorf("101's call log shows %s call %q, want a busy outbound call", e.Type, e.Disposition)
		}
		w.idle()
	})
}

func TestTrunkCallToAnUnroutedDIDIsRefusedWithAPrompt(t *testing.T) {
	runTrunk(t, []string{"102"}, nil, func(t *testing.T, w *world) {
		b, provider := w.Phone("102"), w.Trunk()
		provider.Call(providerDID, acmeNumber, "")
		provider.Hears("pbx-invalid")
		// Decided before the prompt: the record is written already (a
		// crash now would leave it, to be closed on restart). No extension
		// took part, so it is in no call log: it is the store's first.
		var rec *store.CallRecord
		for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			var err error
			if rec, err = w.st.Calls.Get(context.Background(), 1); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no record of the call while its prompt plays: %v", err)
			}
		}
		if rec.Disposition != "" {
			t.Errorf("the record is closed (%s) while the prompt still plays", rec.Disposition)
		}
		if rec.Type != store.CallInbound || rec.FromNumber != acmeNumber || rec.ToNumber == "" {
			t.Errorf("record %s from %q to %q, want inbound from %s to the DID", rec.Type, rec.FromNumber, rec.ToNumber, acmeNumber)
		}
		provider.WaitHungUp(15 * time.Second)
		if b.State() != "idle" {
			t.Errorf("102's phone is %s for a call to a DID without a route", b.State())
		}
		w.Eventually("the record closed as failed", 0, func() bool {
			r, err := w.st.Calls.Get(context.Background(), 1)
			return err == nil && r.Disposition == store.DispFailed
		})
		w.idle()
	})
}

func TestTrunkUnansweredExternalCallEndsAsNoAnswer(t *testing.T) {
	runTrunk(t, []string{"101"}, nil, func(t *testing.T, w *world) {
		a, provider := w.Phone("101"), w.Trunk()
		a.Dial("9" + externalNumber)
		provider.WaitIncoming()
		// external numbers ring for twice the extensions' ring time
		w.Wait(2*ringTime - time.Second)
		if a.State() != "dialing" {
			t.Fatalf("101's call is %s before the external ring time ran out", a.State())
		}
		if cause := a.WaitHungUp(5 * time.Second); cause != 19 {
			t.Errorf("101's call ended with cause %d, want 19 (no answer)", cause)
		}
		provider.WaitHungUp()
		if e := w.newestCall(t, "101"); e.Disposition != store.DispNoAnswer {
			t.Errorf("101's call log shows %q, want no_answer", e.Disposition)
		}
		w.idle()
	})
}
