package sim

import (
	"encoding/json"
	"fmt"
	"sort"
)

// application is a Stasis application as Asterisk keeps it: it exists from
// its first WebSocket on, survives disconnects (with its subscriptions and
// event filter), and receives events only while a socket is attached.
type application struct {
	name         string
	conn         *wsConn
	subscribeAll bool
	allowed      []map[string]any
	disallowed   []map[string]any
	// explicit subscriptions by event source ("channel:<id>", "bridge:<id>",
	// "endpoint:PJSIP/201", "deviceState:Stasis:park41", or with an empty id).
	sources map[string]bool
}

// active reports whether the app has a WebSocket attached; Stasis() fails
// for inactive apps.
func (a *application) active() bool { return a != nil && a.conn != nil }

// ev is one event about to be delivered. fields hold the event's own members
// (wire structs), routing says which apps are interested.
type ev struct {
	typ    string
	fields map[string]any
	// routing
	ch     *channel
	br     *bridge
	source string // explicit event source for endpoint/deviceState events
	only   string // deliver to this app only (ApplicationReplaced and friends)
}

// emitLocked delivers e to every interested app with a socket; the caller
// holds s.mu, so events leave in the order they were raised.
func (s *Server) emitLocked(e ev) {
	targets := map[string]bool{}
	if e.only != "" {
		targets[e.only] = true
	} else {
		if e.ch != nil {
			for app, n := range e.ch.subs {
				if n > 0 {
					targets[app] = true
				}
			}
		}
		if e.br != nil {
			for app, n := range e.br.subs {
				if n > 0 {
					targets[app] = true
				}
			}
		}
		for name, a := range s.apps {
			if a.subscribeAll {
				targets[name] = true
				continue
			}
			if e.ch != nil && (a.sources["channel:"+e.ch.id] || a.sources["channel:"]) {
				targets[name] = true
			}
			if e.br != nil && (a.sources["bridge:"+e.br.id] || a.sources["bridge:"]) {
				targets[name] = true
			}
			if e.source != "" && s.sourceMatches(a, e.source) {
				targets[name] = true
			}
		}
	}
	names := make([]string, 0, len(targets))
	for n := range targets {
		// An event no app receives (filtered out, or no socket) is never
		// encoded.
		if a := s.apps[n]; a.active() && a.allows(e.typ) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	ts := timestamp(s.now())
	body, err := encodeFields(e.fields)
	if err != nil {
		s.log.Error("marshal event", "type", e.typ, "err", err)
		return
	}
	for _, name := range names {
		a := s.apps[name]
		b := make([]byte, 0, len(body)+128)
		b = append(b, `{"type":"`...)
		b = append(b, e.typ...)
		b = append(b, `","timestamp":"`...)
		b = append(b, ts...)
		b = append(b, '"')
		b = append(b, body...)
		b = append(b, `,"asterisk_id":`...)
		b = appendJSONString(b, s.opts.AsteriskID)
		b = append(b, `,"application":`...)
		b = appendJSONString(b, name)
		b = append(b, '}')
		a.conn.send(b)
	}
}

// appendJSONString appends s as a JSON string, exactly as json.Marshal
// writes it (plain printable ASCII is copied as is, the rest goes through
// json.Marshal).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// encodeFields renders an event's own members as `,"k":v` pairs, once for
// all the apps it goes to.
func encodeFields(fields map[string]any) ([]byte, error) {
	var out []byte
	for k, v := range fields {
		vb, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("event member %s: %w", k, err)
		}
		out = append(out, ',')
		out = appendJSONString(out, k)
		out = append(out, ':')
		out = append(out, vb...)
	}
	return out, nil
}

func (s *Server) sourceMatches(a *application, source string) bool {
	if a.sources[source] {
		return true
	}
	// "endpoint:PJSIP/201" matches "endpoint:PJSIP" and "endpoint:".
	for src := range a.sources {
		if len(src) < len(source) && source[:len(src)] == src && (src[len(src)-1] == ':' || source[len(src)] == '/') {
			return true
		}
	}
	return false
}

// allows applies the app's event filter (PUT /applications/{app}/eventFilter).
func (a *application) allows(typ string) bool {
	match := func(list []map[string]any) bool {
		for _, f := range list {
			if t, ok := f["type"].(string); ok && t == typ {
				return true
			}
		}
		return false
	}
	if len(a.allowed) > 0 && !match(a.allowed) {
		return false
	}
	return !match(a.disallowed)
}

// subscribeLocked adds app's interest in ch (reference counted, like the
// forwards Asterisk keeps per app).
func (c *channel) subscribe(app string) {
	if app == "" {
		return
	}
	if c.subs == nil {
		c.subs = map[string]int{}
	}
	c.subs[app]++
}

func (c *channel) unsubscribe(app string) {
	if c.subs[app] > 0 {
		c.subs[app]--
	}
}

// appJSONLocked renders GET /applications/{app}.
func (s *Server) appJSONLocked(a *application) applicationJSON {
	out := applicationJSON{Name: a.name, ChannelIDs: []string{}, BridgeIDs: []string{},
		EndpointIDs: []string{}, DeviceNames: []string{},
		EventsAllowed: a.allowed, EventsDisallowed: a.disallowed}
	if out.EventsAllowed == nil {
		out.EventsAllowed = []map[string]any{}
	}
	if out.EventsDisallowed == nil {
		out.EventsDisallowed = []map[string]any{}
	}
	for _, c := range s.sortedChannelsLocked() {
		if c.subs[a.name] > 0 || a.sources["channel:"+c.id] {
			out.ChannelIDs = append(out.ChannelIDs, c.id)
		}
	}
	for _, b := range s.sortedBridgesLocked() {
		if b.subs[a.name] > 0 || a.sources["bridge:"+b.id] {
			out.BridgeIDs = append(out.BridgeIDs, b.id)
		}
	}
	for src := range a.sources {
		switch {
		case len(src) > 9 && src[:9] == "endpoint:":
			out.EndpointIDs = append(out.EndpointIDs, src[9:])
		case len(src) > 12 && src[:12] == "deviceState:":
			out.DeviceNames = append(out.DeviceNames, src[12:])
		}
	}
	sort.Strings(out.EndpointIDs)
	sort.Strings(out.DeviceNames)
	return out
}
