package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The fidelity test replays every recorded trace of a real Asterisk 22.10.1
// (../shared/asterisk-ari-22-traces) against the simulator: the app's
// requests are sent as recorded (app pbx -> switchboard, origin inbound ->
// phone, ids mapped), simulated phones do what the real ones did (derived
// from the events they caused, plus the notes), and the event types, their
// order per channel, the causes and the response codes are compared. The
// behaviours corrected to match Asterisk are listed in FIDELITY.md.

// traceLine is one line of a trace file.
type traceLine struct {
	T      float64        `json:"t"`
	Dir    string         `json:"dir"`
	Method string         `json:"method"`
	Path   string         `json:"path"`
	Query  map[string]any `json:"query"`
	Status int            `json:"status"`
	Body   any            `json:"body"`
	Text   string         `json:"text"`
}

func sharedTraces(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("SWITCHBOARD_SHARED"); d != "" {
		return filepath.Join(d, "asterisk-ari-22-traces")
	}
	dir, _ := os.Getwd()
	for {
		for _, cand := range []string{filepath.Join(dir, "shared", "asterisk-ari-22-traces"), filepath.Join(dir, "asterisk-ari-22-traces")} {
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("shared/asterisk-ari-22-traces not found (set SWITCHBOARD_SHARED)")
	}
	t.Skip("shared/asterisk-ari-22-traces not found walking up from the working directory; set SWITCHBOARD_SHARED to run the fidelity test")
	return ""
}

func loadTrace(t *testing.T, path string) []traceLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []traceLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var l traceLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, l)
	}
	return out
}

// replayer drives one trace.
type replayer struct {
	t      *testing.T
	e      *testEnv
	lines  []traceLine
	name   string
	ids    map[string]string // trace string -> simulator string
	rev    map[string]string
	t0     float64
	diffs  []string
	dtmfAt map[*Call]int
	extra  func(r *replayer, i int, l traceLine)
}

func (r *replayer) mapID(trace, sim string) {
	if trace == "" || trace == sim {
		return
	}
	r.ids[trace] = sim
	r.rev[sim] = trace
}

func (r *replayer) toSim(s string) string {
	keys := make([]string, 0, len(r.ids))
	for k := range r.ids {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, r.ids[k])
	}
	return s
}

func (r *replayer) fail(format string, args ...any) {
	r.diffs = append(r.diffs, fmt.Sprintf(format, args...))
}

// deviceFor returns the first registered device of an endpoint.
func (r *replayer) deviceFor(ep string) *Device {
	for _, d := range r.e.s.Phone(ep).Devices() {
		if d.Registered() {
			return d
		}
	}
	r.t.Fatalf("%s: no registered device for %s", r.name, ep)
	return nil
}

// simCall finds the device call of a (trace) channel id.
func (r *replayer) simCall(traceID string) *Call {
	simID := r.ids[traceID]
	if simID == "" {
		simID = traceID
	}
	s := r.e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[simID]; c != nil {
		return c.call
	}
	return nil
}

func (r *replayer) run() {
	for i, l := range r.lines {
		if i == 0 {
			r.t0 = l.T
		}
		at := epoch.Add(time.Duration((l.T - r.t0) * float64(time.Second)))
		if at.After(r.e.clk.Now()) {
			r.e.advance(at.Sub(r.e.clk.Now()))
		} else {
			// A DELETE'd channel's teardown takes a few wall-clock
			// milliseconds (HangupDelay); Asterisk had done it before the
			// trace's next line, so the replay waits for it too.
			r.e.advance(0)
		}
		if r.extra != nil {
			r.extra(r, i, l)
		}
		switch l.Dir {
		case "request":
			r.request(i, l)
		case "event":
			r.phoneAction(i, l.Body.(map[string]any))
		case "note":
			r.note(l.Text)
		}
	}
	r.e.advance(time.Second)
	r.e.drain()
	r.compare()
}

func (r *replayer) request(i int, l traceLine) {
	path := r.toSim(l.Path)
	vals := url.Values{}
	for k, v := range l.Query {
		s := fmt.Sprint(v)
		if k == "app" && s == "pbx" {
			s = "switchboard"
		}
		vals.Set(k, r.toSim(s))
	}
	var body any
	if l.Body != nil {
		b, _ := json.Marshal(l.Body)
		var x any
		_ = json.Unmarshal([]byte(r.toSim(string(b))), &x)
		body = x
	}
	if strings.HasPrefix(path, "/applications/pbx") {
		path = strings.Replace(path, "/applications/pbx", "/applications/switchboard", 1)
	}
	st, resp := r.e.do(l.Method, path, vals, body)
	// the recorded response to this request
	for _, rl := range r.lines[i+1:] {
		if rl.Dir == "response" && rl.Method == l.Method && rl.Path == l.Path {
			if rl.Status != st {
				r.fail("line %d %s %s: status %d, Asterisk %d (%s)", i+1, l.Method, l.Path, st, rl.Status, strings.TrimSpace(string(resp)))
			}
			r.learnFromResponse(l, rl, resp)
			r.compareApplication(l, rl, resp)
			break
		}
	}
}

// learnFromResponse maps values the app learnt from Asterisk (contacts).
func (r *replayer) learnFromResponse(req, rec traceLine, resp []byte) {
	if !strings.HasSuffix(req.Path, "/variable") || req.Method != "GET" {
		return
	}
	var sim struct{ Value string }
	_ = json.Unmarshal(resp, &sim)
	m, _ := rec.Body.(map[string]any)
	tv, _ := m["value"].(string)
	ta, sa := strings.Split(tv, "&"), strings.Split(sim.Value, "&")
	for k := range ta {
		if k < len(sa) {
			r.mapID(ta[k], sa[k])
		}
	}
}

// compareApplication checks the channels and bridges GET /applications/{app}
// lists (ws_drop: the calls that survived the outage).
func (r *replayer) compareApplication(req, rec traceLine, resp []byte) {
	if req.Method == "GET" && (req.Path == "/channels" || req.Path == "/bridges") {
		r.compareList(req, rec, resp)
		return
	}
	if req.Method != "GET" || !strings.HasPrefix(req.Path, "/applications/") {
		return
	}
	var got applicationJSON
	_ = json.Unmarshal(resp, &got)
	want, _ := rec.Body.(map[string]any)
	for _, k := range []struct {
		name string
		got  []string
	}{{"channel_ids", got.ChannelIDs}, {"bridge_ids", got.BridgeIDs}} {
		var w []string
		for _, id := range want[k.name].([]any) {
			w = append(w, r.toSim(fmt.Sprint(id)))
		}
		sort.Strings(w)
		g := append([]string(nil), k.got...)
		sort.Strings(g)
		if strings.Join(w, ",") != strings.Join(g, ",") {
			r.fail("GET %s: %s %v, Asterisk %v", req.Path, k.name, g, w)
		}
	}
}

// compareList checks GET /channels and /bridges: the same objects (ids,
// channel states, bridge members).
func (r *replayer) compareList(req, rec traceLine, resp []byte) {
	describe := func(items []any, mapID func(string) string) string {
		var out []string
		for _, it := range items {
			m := it.(map[string]any)
			d := mapID(fmt.Sprint(m["id"]))
			if st, ok := m["state"]; ok {
				d += "/" + fmt.Sprint(st)
			}
			if chans, ok := m["channels"].([]any); ok {
				var ids []string
				for _, c := range chans {
					ids = append(ids, mapID(fmt.Sprint(c)))
				}
				sort.Strings(ids)
				d += "[" + strings.Join(ids, ",") + "]"
			}
			out = append(out, d)
		}
		sort.Strings(out)
		return strings.Join(out, " ")
	}
	var got []any
	_ = json.Unmarshal(resp, &got)
	want, _ := rec.Body.([]any)
	w := describe(want, r.toSim)
	g := describe(got, func(s string) string { return s })
	if w != g {
		r.fail("GET %s: %s, Asterisk %s", req.Path, g, w)
	}
}

var powerNote = regexp.MustCompile(`power heard[^{]*(\{.*\})\s*$`)
var dtmfNote = regexp.MustCompile(`^(.*): 202's DTMF events: (\[.*\])$`)

// note applies or checks what a note line says.
func (r *replayer) note(text string) {
	switch {
	case text == "app WebSocket closed":
		r.e.drain()
		r.e.disconnect()
		r.e.waitFor(func() bool {
			r.e.s.mu.Lock()
			defer r.e.s.mu.Unlock()
			return !r.e.s.apps["switchboard"].active()
		})
	case text == "app WebSocket reopened":
		r.e.connect("switchboard")
	case powerNote.MatchString(text):
		r.checkPower(powerNote.FindStringSubmatch(text)[1])
	case dtmfNote.MatchString(text):
		m := dtmfNote.FindStringSubmatch(text)
		want := regexp.MustCompile(`'param': '(.)'`).FindAllStringSubmatch(m[2], -1)
		var w []string
		for _, x := range want {
			w = append(w, x[1])
		}
		call := r.activeCall("202")
		if call == nil {
			r.fail("note %q: 202 has no call", text)
			return
		}
		got := call.DTMFReceived()[r.dtmfAt[call]:]
		r.dtmfAt[call] = len(call.DTMFReceived())
		if strings.Join(got, "") != strings.Join(w, "") {
			r.fail("%s: 202 received DTMF %q, Asterisk %q", m[1], got, w)
		}
	}
}

func (r *replayer) activeCall(ep string) *Call {
	for _, d := range r.e.s.Phone(ep).Devices() {
		for _, c := range d.Calls() {
			if c.State() == CallUp {
				return c
			}
		}
	}
	return nil
}

// checkPower compares the measured audio ({'201': {1000: 33, 600: 7403}})
// with what the simulated phones hear: power above 1000 means heard.
func (r *replayer) checkPower(py string) {
	js := regexp.MustCompile(`'?(\w+)'?:`).ReplaceAllString(py, `"$1":`)
	var m map[string]map[string]float64
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		r.fail("power note %q: %v", py, err)
		return
	}
	for ep, powers := range m {
		call := r.activeCall(ep)
		if call == nil {
			r.fail("power note: %s has no call", ep)
			continue
		}
		hears := map[string]bool{}
		for _, h := range call.Hears() {
			hears[h] = true
		}
		for f, p := range powers {
			if want := p > 1000; hears[f+"Hz"] != want {
				r.fail("audio: %s hears %sHz = %v, Asterisk measured power %v (sim hears %v)", ep, f, hears[f+"Hz"], p, call.Hears())
			}
		}
	}
}

// phoneAction makes the simulated phones do what a recorded event shows the
// real phone did.
func (r *replayer) phoneAction(i int, ev map[string]any) {
	typ, _ := ev["type"].(string)
	ch, _ := ev["channel"].(map[string]any)
	id, _ := ch["id"].(string)
	name, _ := ch["name"].(string)
	switch typ {
	case "StasisStart":
		args, _ := ev["args"].([]any)
		if _, known := r.ids[id]; known || !strings.HasPrefix(name, "PJSIP/") || len(args) != 2 || args[0] != "inbound" {
			if strings.HasPrefix(name, "Local/") {
				r.mapLocal(id, name)
			}
			return
		}
		if r.e.s.channelExists(id) {
			return
		}
		ep := strings.TrimPrefix(name[:strings.LastIndex(name, "-")], "PJSIP/")
		call, err := r.deviceFor(ep).Dial(fmt.Sprint(args[1]))
		if err != nil {
			r.fail("line %d: %s dials %v: %v", i+1, ep, args[1], err)
			return
		}
		r.mapID(id, call.ChannelID())
	case "ChannelStateChange":
		if ch["state"] == "Up" && strings.HasPrefix(name, "PJSIP/") {
			if c := r.simCall(id); c != nil && c.Incoming() && c.State() == CallRinging {
				_ = c.Answer()
			}
		}
	case "ChannelHangupRequest":
		if soft, _ := ev["soft"].(bool); soft || !strings.HasPrefix(name, "PJSIP/") {
			return
		}
		c := r.simCall(id)
		if c == nil || c.State() == CallEnded {
			return
		}
		switch cause, _ := ev["cause"].(float64); cause {
		case 17:
			_ = c.Busy()
		case 21:
			_ = c.Decline()
		default:
			_ = c.Hangup()
		}
	case "ChannelDtmfReceived":
		if c := r.simCall(id); c != nil {
			_ = c.SendDTMF(fmt.Sprint(ev["digit"]))
		}
	case "ChannelUnhold":
		// The phone's transfer key: REFER to the exten of the blind transfer.
		for _, l := range r.lines[i:] {
			if b, ok := l.Body.(map[string]any); ok && b["type"] == "BridgeBlindTransfer" {
				if c := r.simCall(id); c != nil {
					if err := c.Transfer(fmt.Sprint(b["exten"])); err != nil {
						r.fail("transfer: %v", err)
					}
				}
				break
			}
		}
	}
}

// mapLocal maps a Local channel the transfer created by name pattern.
func (r *replayer) mapLocal(traceID, traceName string) {
	if _, ok := r.ids[traceID]; ok {
		return
	}
	prefix := traceName[:strings.LastIndex(traceName, "-")+1]
	suffix := traceName[strings.LastIndex(traceName, ";"):]
	s := r.e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.sortedChannelsLocked() {
		if strings.HasPrefix(c.name, prefix) && strings.HasSuffix(c.name, suffix) {
			if _, used := r.rev[c.id]; !used {
				r.mapID(traceID, c.id)
				return
			}
		}
	}
}

func (s *Server) channelExists(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.channels[id]
	return ok
}
