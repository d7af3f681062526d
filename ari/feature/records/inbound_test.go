package records_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/core/coretest"
	"github.com/switchboard-pbx/switchboard/ari/feature/records"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

// phonebook is what the inbound handler below shows callees for a number,
// as the call flow does from the phonebook (P-CONTACTS).
var phonebook = map[string]string{"4915112345": "Acme Support"}

// inboundCall annotates the call like the router does for a trunk call,
// decides to ring (the trace step comes before the leg, as in the call
// flow) and rings extension 102 showing the phonebook's name when the
// number has one; the caller hangs up or the callee answers and hangs up.
var inboundCall = core.HandlerFunc(func(ctx context.Context, c *core.Call) error {
	from := c.Caller.Channel.Caller.Number
	c.AnnotateAll(ctx, "type", store.CallInbound, "from", from, "to", "102", "to_ext", "102")
	c.Trace(ctx, "ring", "102")
	name := c.Caller.Channel.Caller.Name
	if n := phonebook[from]; n != "" {
		name = n
	}
	vars := map[string]string{"CONNECTEDLINE(num,i)": from, "CONNECTEDLINE(name,i)": name}
	res, err := c.Dial(ctx, []core.Target{{Label: "102", Endpoint: "PJSIP/102", Tag: "original", Variables: vars}}, 30*time.Second)
	if err != nil || res.Outcome != core.Answered {
		return err
	}
	if _, err := c.Connect(ctx, res.Leg); err != nil {
		return err
	}
	_, err = c.Talk(ctx, nil, c.Caller, res.Leg)
	return err
})

// inboundRecord places a trunk call from number presenting name to 102,
// lets 102 answer and hang up, and returns 102's call log entry.
func inboundRecord(t *testing.T, number, name string) store.CallLogEntry {
	t.Helper()
	st := openStore(t)
	rec := records.New(st.Calls, nil)
	r := coretest.NewObserved(t, inboundCall, rec)
	trunk, b := r.Device("trunk"), r.Device("102")
	out, err := trunk.DialWith("0309876543", sim.DialOptions{CallerName: name, CallerNumber: number})
	if err != nil {
		t.Fatal(err)
	}
	in := r.Answer(b)
	r.WaitState(out, sim.CallUp)
	r.Advance(3 * time.Second)
	_ = in.Hangup()
	r.WaitState(out, sim.CallEnded)
	calls := callLog(t, r, rec, st, "102")
	if len(calls) != 1 || calls[0].Disposition != store.DispAnswered {
		t.Fatalf("102's call log = %+v, want one answered call", calls)
	}
	return calls[0]
}

func TestInboundCallRecordKeepsThePhonebookNameTheCalleeWasShown(t *testing.T) {
	got := inboundRecord(t, "4915112345", "ACME GMBH")
	if got.FromName != "Acme Support" || got.FromNumber != "4915112345" {
		t.Errorf("record's caller = %q <%s>, want the phonebook's \"Acme Support\" <4915112345>", got.FromName, got.FromNumber)
	}
}

func TestInboundCallRecordKeepsTheProvidersNameWithoutAPhonebookEntry(t *testing.T) {
	got := inboundRecord(t, "4930555666", "Jane Roe")
	if got.FromName != "Jane Roe" {
		t.Errorf("record's caller name = %q, want the provider's \"Jane Roe\"", got.FromName)
	}
}

// namedCall is a call a feature presents under its own name (as the wakeup
// scheduler does): 102 is rung and declines.
var namedCall = core.HandlerFunc(func(ctx context.Context, c *core.Call) error {
	c.AnnotateAll(ctx, "type", store.CallInternal, "from_name", "Wakeup", "to", "102", "to_ext", "102")
	c.Trace(ctx, "ring", "102")
	res, err := c.Dial(ctx, []core.Target{{Label: "102", Endpoint: "PJSIP/102", Tag: "original"}}, 30*time.Second)
	if err == nil && res.Outcome == core.Busy {
		c.Annotate(ctx, "disposition", store.DispBusy)
	}
	return err
})

func TestCallerNameAnnotatedByAFeatureNamesTheCallerInTheRecord(t *testing.T) {
	st := openStore(t)
	rec := records.New(st.Calls, nil)
	r := coretest.NewObserved(t, namedCall, rec)
	a, b := r.Device("101"), r.Device("102")
	out := r.Dial(a, "102")
	if err := r.Ringing(b).Busy(); err != nil {
		t.Fatal(err)
	}
	r.WaitState(out, sim.CallEnded)
	calls := callLog(t, r, rec, st, "102")
	if len(calls) != 1 || calls[0].FromName != "Wakeup" || calls[0].Disposition != store.DispBusy {
		t.Fatalf("102's call log = %+v, want one busy call from \"Wakeup\"", calls)
	}
}
