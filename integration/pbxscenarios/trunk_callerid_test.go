package pbxscenarios

import (
	"context"
	"testing"

	"github.com/switchboard-pbx/switchboard/store"
)

func TestTrunkCallPresentsTheExtensionsOutboundCallerID(t *testing.T) {
	setup := func(t *testing.T, st *store.Store) {
		e, err := st.Extensions.Get(context.Background(), "101")
		if err != nil {
			t.Fatal(err)
		}
		e.OutboundCallerID = "0301111101"
		if err := st.Extensions.Update(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	runTrunk(t, []string{"101"}, setup, func(t *testing.T, w *world) {
		a, provider := w.Phone("101"), w.Trunk()
		a.Dial("9" + externalNumber)
		provider.WaitIncoming()
		if got := provider.CallerID(); got != "0301111101" {
			t.Errorf("the provider sees caller %q, want 101's outbound caller id 0301111101", got)
		}
		provider.Reject()
		a.WaitHungUp()
		w.idle()
	})
}
