package blacklist_test

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/blacklist"
	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func newFlow(t *testing.T) *featuretest.Flow {
	return featuretest.New(t, func(f *featuretest.Flow) { blacklist.Register(f.Router) }, "101", "102")
}

// dialAndType dials code, waits until answered, types digits, and lets the
// call run to its end.
func dialAndType(f *featuretest.Flow, dev *sim.Device, code, digits string) *sim.Call {
	f.T.Helper()
	out := f.Dial(dev, code)
	f.WaitState(out, sim.CallUp)
	if err := out.SendDTMF(digits); err != nil {
		f.T.Fatal(err)
	}
	f.WaitStateAdvancing(out, sim.CallEnded, 60*time.Second)
	return out
}

func TestTypedNumberIsBlacklistedInCanonicalFormWithOrWithoutPrefix(t *testing.T) {
	f := newFlow(t)
	a := f.Device("101")
	dialAndType(f, a, "*75#", "9855307096#")
	if !f.Dir.IsBlacklisted("855307096") {
		t.Fatal("number typed with the prefix not blacklisted in canonical form")
	}
	dialAndType(f, a, "*075#", "855307096#")
	if f.Dir.IsBlacklisted("855307096") {
		t.Fatal("number typed without the prefix not whitelisted")
	}
	f.WaitIdle()
}

func TestExtensionNumbersCannotBeBlacklisted(t *testing.T) {
	f := newFlow(t)
	a := f.Device("101")
	out := dialAndType(f, a, "*75#", "102#")
	if f.Dir.IsBlacklisted("102") {
		t.Fatal("an extension was blacklisted")
	}
	heardInvalid := false
	for _, h := range out.Heard() {
		heardInvalid = heardInvalid || h.What == "sound:invalid"
	}
	if !heardInvalid {
		t.Errorf("no refusal prompt; heard %+v", out.Heard())
	}
}

func TestLastExternalCallerIsBlacklisted(t *testing.T) {
	f := newFlow(t)
	f.Dir.LastExt["101"] = "+4930123456"
	a := f.Device("101")
	out := f.Dial(a, "*76#")
	f.WaitStateAdvancing(out, sim.CallEnded, 20*time.Second)
	if !f.Dir.IsBlacklisted("+4930123456") {
		t.Fatal("last caller not blacklisted")
	}
}
