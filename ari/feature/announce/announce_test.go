package announce_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/announce"
	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
)

func TestAnnounceCodesSayTheAddressesAndTheOwnExtension(t *testing.T) {
	addrs := func(context.Context) (string, string) { return "203.0.113.7", "192.168.1.20" }
	f := featuretest.New(t, func(f *featuretest.Flow) { announce.Register(f.Router, addrs) }, "101")
	a := f.Device("101")
	cases := map[string][]string{
		"**11#": {"digits:203", "sound:letters/dot", "digits:0", "sound:letters/dot", "digits:113", "sound:letters/dot", "digits:7"},
		"**12#": {"digits:192", "sound:letters/dot", "digits:168", "sound:letters/dot", "digits:1", "sound:letters/dot", "digits:20"},
		"**13":  {"sound:extension", "digits:101"},
	}
	for code, want := range cases {
		out := f.Dial(a, code)
		f.WaitStateAdvancing(out, sim.CallEnded, 30*time.Second)
		var got []string
		for _, h := range out.Heard() {
			got = append(got, h.What)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: heard %v, want %v", code, got, want)
		}
	}
}

func TestAddressMediaRefusesWhatIsNotIPv4(t *testing.T) {
	for _, bad := range []string{"", "example.org", "::1", "1.2.3"} {
		if _, ok := announce.AddressMedia(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
