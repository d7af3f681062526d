package sim

import (
	"encoding/json"
	"net/url"
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

// extras are the phone actions a recording does not show as events, run
// before line i.
var extras = map[string]func(r *replayer, i int, l traceLine){
	// 201 pressed 5 and # in both DTMF traces; with plain mixing Asterisk
	// raised no ChannelDtmfReceived (native RTP bridge), so nothing shows it.
	"call_dtmf_mixing": func(r *replayer, i int, l traceLine) {
		if l.Dir == "response" && l.Path == "/bridges/b1/addChannel" {
			r.e.drain()
			call := r.activeCall("201")
			if call == nil {
				r.fail("201 has no call to press 5# in")
				return
			}
			_ = call.SendDTMF("5#")
			if got := r.activeCall("202").DTMFReceived(); strings.Join(got, "") != "5#" {
				r.fail("native bridge: 202 received %q, want the RTP-relayed 5#", got)
			}
		}
	},
	// While the app's socket is down a new call 203 -> 202 arrives: it must
	// fail and never reach the app, and nothing is replayed on reconnect.
	"ws_drop": func(r *replayer, i int, l traceLine) {
		if l.Dir == "request" && l.Method == "GET" && l.Path == "/applications" {
			call, err := r.deviceFor("203").Dial("202")
			if err != nil {
				r.fail("203 dials during the drop: %v", err)
				return
			}
			r.e.advance(5 * time.Second) // ss-noservice, then Hangup(34)
			if call.State() != CallEnded || call.HangupCause() != 34 {
				r.fail("a call arriving while the app is disconnected is %s (cause %d), want ended with 34", call.State(), call.HangupCause())
			}
			if h := call.Heard(); len(h) != 1 || h[0].What != "sound:ss-noservice" {
				r.fail("the caller heard %v, want ss-noservice", h)
			}
		}
	},
}

func urlParseQuery(s string) (url.Values, error) { return url.ParseQuery(s) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
