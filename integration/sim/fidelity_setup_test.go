package sim

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// knownDifferences lists traces the simulator does not reproduce yet, with
// the reason; the test skips them with the differences it found.
var knownDifferences = map[string]string{}

func filepathGlob(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	var out []string
	for _, p := range m {
		out = append(out, strings.TrimSuffix(filepath.Base(p), ".jsonl"))
	}
	return out, err
}

// newReplayer sets up the phones of the recording run: 201 sends 1 kHz, 202
// 600 Hz, 203 800 Hz (as the spy notes measured); 203 is unregistered in
// "unregistered"; 202 has two devices in "multi_contact".
func newReplayer(t *testing.T, dir, name string) *replayer {
	opts := Options{}
	if name == "fax_send_receive" {
		opts.Dialplan = FaxLoopback(FaxOptions{Duration: 18300 * time.Millisecond})
	}
	e := newTestEnv(t, opts)
	e.register("201", "desk")
	if name == "multi_contact" {
		e.register("202", "desk", "softphone")
	} else {
		e.register("202", "desk")
	}
	if name == "unregistered" {
		e.provision("203", "pw-203")
	} else {
		e.register("203", "desk")
	}
	for ep, f := range map[string]string{"201": "1000Hz", "202": "600Hz", "203": "800Hz"} {
		for _, d := range e.s.Phone(ep).Devices() {
			d.Send(f)
		}
	}
	e.connect("switchboard")
	if name == "refer_blind" {
		// The recording run found bridges left by earlier runs: b1 (hence
		// one 409) and spyb, whose channels had hung up in it (so the app
		// is still subscribed and sees its BridgeDestroyed).
		e.s.mu.Lock()
		_, _ = e.s.createBridgeLocked("b1", "mixing,dtmf_events", "")
		spyb, _ := e.s.createBridgeLocked("spyb", "mixing", "")
		spyb.subs["switchboard"] = 1
		e.s.mu.Unlock()
	}
	r := &replayer{t: t, e: e, name: name, lines: loadTrace(t, filepath.Join(dir, name+".jsonl")),
		ids: map[string]string{}, rev: map[string]string{}, dtmfAt: map[*Call]int{}, extra: extras[name]}
	return r
}

// extras are the phone actions a recording does not show as events.
var extras = map[string]map[string]func(r *replayer, i int){}
