package callflow_test

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func TestExternalNumberGoesOutThroughTheTrunkAndItsClassIsChecked(t *testing.T) {
	f := newFlow(t, "101", "102")
	f.Dir.Ext("102").OutboundClass = "internal"
	a, b, trunk := f.Device("101"), f.Device("102"), f.Device("trunk")
	out := f.Dial(a, "9855307096#")
	in := f.Answer(trunk)
	f.WaitState(out, sim.CallUp)
	_ = in.Hangup()
	f.WaitState(out, sim.CallEnded)

	restricted := f.Dial(b, "9855307096")
	f.WaitStateAdvancing(restricted, sim.CallEnded, 10e9)
	if trunk.Ringing() != nil {
		t.Fatal("an internal-only extension reached the trunk")
	}
	emergency := f.Dial(b, "112")
	in = f.Answer(trunk)
	f.WaitState(emergency, sim.CallUp)
	_ = in.Hangup()
	f.WaitIdle()
}

func TestTrunkCallFollowsItsDIDRouteAndBlacklistedCallersAreRejected(t *testing.T) {
	f := newFlow(t, "101", "102")
	f.Dir.Inbound["0301234567"] = "102"
	f.Dir.Contacts["4915112345"] = "Acme Support"
	_ = f.Dir.Blacklist(f.Ctx(), "855307096", "101")
	trunk, b := f.Device("trunk"), f.Device("102")
	out, err := trunk.DialWith("0301234567", sim.DialOptions{CallerNumber: "4915112345"})
	if err != nil {
		t.Fatal(err)
	}
	in := f.Answer(b)
	if name, num := in.CallerID(); num != "4915112345" || name != "Acme Support" {
		t.Errorf("102 sees caller %q <%s>, want the phonebook name", name, num)
	}
	f.WaitState(out, sim.CallUp)
	_ = out.Hangup()
	f.WaitState(in, sim.CallEnded)

	bad, err := trunk.DialWith("0301234567", sim.DialOptions{CallerNumber: "855307096"})
	if err != nil {
		t.Fatal(err)
	}
	f.WaitState(bad, sim.CallEnded)
	if c := bad.HangupCause(); c != 21 {
		t.Errorf("blacklisted caller got cause %d, want 21 (rejected)", c)
	}
	if b.Ringing() != nil {
		t.Error("102 rang for a blacklisted caller")
	}
	f.WaitIdle()
}
