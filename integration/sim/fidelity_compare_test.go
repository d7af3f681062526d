package sim

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// noiseVars are ChannelVarset variables whose count depends on RTP and
// native-bridge renegotiation in the recording; the simulator sets them, the
// comparison ignores them.
var noiseVars = map[string]bool{"BRIDGEPEER": true, "BRIDGEPVTCALLID": true, "RTPAUDIOQOS": true,
	"RTPAUDIOQOSJITTER": true, "RTPAUDIOQOSLOSS": true, "RTPAUDIOQOSRTT": true, "RTPAUDIOQOSMES": true}

// eventKey groups events by the object they are about.
func eventKey(ev map[string]any) string {
	switch t := ev["type"].(string); {
	case strings.HasPrefix(t, "Playback"):
		return "playback:" + fmt.Sprint(ev["playback"].(map[string]any)["id"])
	case strings.HasPrefix(t, "Recording"):
		return "recording:" + fmt.Sprint(ev["recording"].(map[string]any)["name"])
	case t == "BridgeDestroyed" || t == "BridgeCreated":
		return "bridge:" + fmt.Sprint(ev["bridge"].(map[string]any)["id"])
	}
	return "channel:" + eventChannelID(ev)
}

// signature is what is compared of one event; "" drops it.
func signature(ev map[string]any, mapArg func(string) string) string {
	t := ev["type"].(string)
	num := func(k string) string {
		if v, ok := ev[k]; ok {
			return fmt.Sprint(v)
		}
		return "-"
	}
	switch t {
	case "ChannelVarset":
		v := fmt.Sprint(ev["variable"])
		if noiseVars[v] || strings.HasPrefix(v, "RTPAUDIOQOS") {
			return ""
		}
		if v == "STASISSTATUS" || v == "BLINDTRANSFER" {
			val := fmt.Sprint(ev["value"])
			if val != "" && v == "BLINDTRANSFER" {
				val = "<name>"
			}
			return t + " " + v + "=" + val
		}
		return t + " " + v
	case "ChannelStateChange":
		return t + " " + fmt.Sprint(ev["channel"].(map[string]any)["state"])
	case "ChannelHangupRequest":
		return t + " cause=" + num("cause") + " soft=" + num("soft")
	case "ChannelDestroyed":
		return t + " cause=" + num("cause")
	case "Dial":
		return t + " " + fmt.Sprint(ev["dialstatus"])
	case "StasisStart":
		var args []string
		for _, a := range ev["args"].([]any) {
			args = append(args, mapArg(fmt.Sprint(a)))
		}
		s := t + " [" + strings.Join(args, ",") + "]"
		if _, ok := ev["replace_channel"]; ok {
			s += " replace"
		}
		return s
	case "ChannelDtmfReceived":
		return t + " " + fmt.Sprint(ev["digit"])
	case "PlaybackStarted", "PlaybackContinuing", "PlaybackFinished":
		p := ev["playback"].(map[string]any)
		return t + " " + fmt.Sprint(p["media_uri"]) + " " + fmt.Sprint(p["state"])
	case "ChannelEnteredBridge", "ChannelLeftBridge":
		return t + " " + fmt.Sprint(ev["bridge"].(map[string]any)["id"])
	}
	return t
}

// canonical orders the two ringing indications (their order varies in
// Asterisk, README: "two Dial events for one channel can arrive in either
// order").
func canonical(seq []string) []string {
	out := append([]string(nil), seq...)
	for i := 0; i+1 < len(out); i++ {
		if out[i] == "Dial RINGING" && out[i+1] == "ChannelStateChange Ringing" {
			out[i], out[i+1] = out[i+1], out[i]
		}
	}
	return out
}

// tailAfterStasisEnd reports whether extra is only the hang-up tail that a
// recording may lack (README: "the app may see StasisEnd without a
// ChannelDestroyed").
func tailAfterStasisEnd(extra []string) bool {
	for _, s := range extra {
		switch {
		case s == "ChannelVarset STASISSTATUS=SUCCESS", strings.HasPrefix(s, "ChannelHangupRequest cause=16 soft=true"),
			strings.HasPrefix(s, "ChannelDestroyed"):
		default:
			return false
		}
	}
	return true
}

func (r *replayer) compare() {
	mapArg := func(a string) string {
		if a == "inbound" {
			return "phone"
		}
		return a
	}
	want := map[string][]string{}
	for _, l := range r.lines {
		if l.Dir != "event" {
			continue
		}
		ev := l.Body.(map[string]any)
		k := eventKey(ev)
		if n := len(want[k]); n > 0 && strings.HasPrefix(want[k][n-1], "ChannelDestroyed") {
			// Post-mortem events (fax: ChannelDialplan AppDial2 of the
			// originating dial after ChannelDestroyed) are not modelled.
			continue
		}
		if sig := signature(ev, mapArg); sig != "" {
			want[k] = append(want[k], sig)
		}
	}
	got := map[string][]string{}
	r.e.mu.Lock()
	for _, ev := range r.e.events {
		key := eventKey(ev)
		kind, id, _ := strings.Cut(key, ":")
		if tr, ok := r.rev[id]; ok {
			key = kind + ":" + tr
		}
		if sig := signature(ev, func(a string) string { return a }); sig != "" {
			got[key] = append(got[key], sig)
		}
	}
	r.e.mu.Unlock()
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		w, g := canonical(want[k]), canonical(got[k])
		if strings.Join(w, "\n") == strings.Join(g, "\n") {
			continue
		}
		if len(w) > 0 && len(g) > len(w) && w[len(w)-1] == "StasisEnd" &&
			strings.Join(g[:len(w)], "\n") == strings.Join(w, "\n") && tailAfterStasisEnd(g[len(w):]) {
			continue
		}
		r.fail("%s:\n    Asterisk:  %s\n    simulator: %s", k, strings.Join(w, " | "), strings.Join(g, " | "))
	}
}

// firstBatch are replayed first; every other trace follows.
var firstBatch = []string{"busy", "no_answer", "unregistered", "feature_code_dialled", "call_dtmf_mixing",
	"call_dtmf_mixing_dtmf_events", "multi_contact", "ws_drop"}

func TestFidelityAgainstRecordedAsteriskTraces(t *testing.T) {
	dir := sharedTraces(t)
	names := append([]string(nil), firstBatch...)
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	all, _ := filepathGlob(dir)
	for _, n := range all {
		if !seen[n] {
			names = append(names, n)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			r := newReplayer(t, dir, name)
			r.run()
			if known := knownDifferences[name]; known != "" && len(r.diffs) > 0 {
				t.Skipf("known difference (%s):\n%s", known, strings.Join(r.diffs, "\n"))
			}
			for _, d := range r.diffs {
				t.Error(d)
			}
		})
	}
}

// The replay compares event sequences; a few response bodies are worth
// comparing too: the JSON shapes of the objects the app parses.
func TestResponseBodiesHaveAsterisksShape(t *testing.T) {
	dir := sharedTraces(t)
	e := newTestEnv(t, Options{})
	e.register("201", "desk")
	e.connect("switchboard")
	keysOf := func(v any) string {
		m, _ := v.(map[string]any)
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}
	for _, tc := range []struct{ trace, method, path, simPath string }{
		{"hold_moh_states", "POST", "/bridges", "/bridges?type=holding&bridgeId=park-41"},
		{"call_dtmf_mixing", "POST", "/bridges", "/bridges?type=mixing&bridgeId=b1"},
		{"ws_drop", "GET", "/applications/pbx", "/applications/switchboard"},
		{"unregistered", "GET", "/endpoints/PJSIP/203", "/endpoints/PJSIP/201"},
	} {
		var want any
		for _, l := range loadTrace(t, dir+"/"+tc.trace+".jsonl") {
			if l.Dir == "response" && l.Method == tc.method && l.Path == tc.path {
				if m, ok := l.Body.(map[string]any); ok && strings.Contains(tc.simPath, "bridgeId=") &&
					!strings.HasSuffix(tc.simPath, "bridgeId="+fmt.Sprint(m["id"])) {
					continue
				}
				want = l.Body
				break
			}
		}
		path, query, _ := strings.Cut(tc.simPath, "?")
		vals, _ := urlParseQuery(query)
		_, body := e.do(tc.method, path, vals, nil)
		var got any
		if err := jsonUnmarshal(body, &got); err != nil {
			t.Fatalf("%s: %v", tc.simPath, err)
		}
		if keysOf(got) != keysOf(want) {
			t.Errorf("%s %s: members %s, Asterisk %s", tc.method, tc.simPath, keysOf(got), keysOf(want))
		}
		if w, ok := want.(map[string]any); ok {
			for _, k := range []string{"technology", "bridge_type", "bridge_class", "creator", "video_mode"} {
				if wv, ok := w[k]; ok && fmt.Sprint(got.(map[string]any)[k]) != fmt.Sprint(wv) {
					t.Errorf("%s: %s = %v, Asterisk %v", tc.simPath, k, got.(map[string]any)[k], wv)
				}
			}
		}
	}
}
