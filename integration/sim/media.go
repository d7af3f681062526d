package sim

import "sort"

// The media model is symbolic: every device sends a label (Device.Send), and
// what a channel hears is computed from bridges, playbacks, MOH, mutes, hold,
// snoops and Local channel pairs. It reproduces what the traces measured:
// paging_one_way (mute ignored in a native bridge), paging_mute_dtmf_events,
// paging_channel_mute, spy_listen and spy_whisper.

type visit map[*channel]bool

// listenersLocked lists the device calls that hear media played on ch or br.
func (s *Server) listenersLocked(ch *channel, br *bridge) []*Call {
	var out []*Call
	add := func(c *channel) {
		if c.call != nil && c.call.state != CallEnded && !c.muteOut {
			out = append(out, c.call)
		}
	}
	if ch != nil {
		add(ch)
	}
	if br != nil {
		for _, m := range br.members {
			add(m)
		}
	}
	return out
}

// mediaOnLocked reports what plays on a channel or bridge right now.
func mediaOn(queue []*playback, moh string) map[string]bool {
	out := map[string]bool{}
	// A paused playback is silence: Asterisk stops the stream while it is
	// suspended.
	if len(queue) > 0 && queue[0].state == "playing" && !queue[0].paused {
		out[queue[0].media[queue[0].idx]] = true
	}
	if moh != "" {
		out["moh:"+moh] = true
	}
	return out
}

// heardByLocked is the set of sources audible on channel c (what Asterisk
// writes to it).
func (s *Server) heardByLocked(c *channel, seen visit) map[string]bool {
	if seen == nil {
		seen = visit{}
	}
	out := map[string]bool{}
	if c == nil || seen[c] || c.muteOut {
		return out
	}
	seen[c] = true
	defer delete(seen, c)
	if c.kind == kindLocal && c.localPeer != nil {
		// What reaches one half of a Local pair is what the other half gets.
		for k := range s.sentIntoLocked(c.localPeer, seen) {
			out[k] = true
		}
	}
	for k := range s.audibleMediaLocked(c.playQueue, c.moh) {
		out[k] = true
	}
	if b := c.bridge; b != nil {
		for k := range s.audibleMediaLocked(b.playQueue, b.moh) {
			out[k] = true
		}
		native := b.native()
		for _, m := range b.members {
			if m == c {
				continue
			}
			if m.member.mute && !native {
				continue
			}
			if m.appHold {
				// A channel held through ARI: its bridge peers get music on hold.
				out["moh:default"] = true
				continue
			}
			for k := range s.sentByLocked(m, seen) {
				out[k] = true
			}
		}
	}
	for _, sn := range c.snoops {
		if sn.whisper == "out" || sn.whisper == "both" {
			for k := range s.heardByLocked(sn, seen) {
				out[k] = true
			}
		}
	}
	return out
}

// sentIntoLocked is what a Local half receives from its own side, which the
// other half then sends on.
func (s *Server) sentIntoLocked(c *channel, seen visit) map[string]bool {
	if c.bridge == nil && len(c.playQueue) == 0 && c.moh == "" {
		return map[string]bool{}
	}
	return s.heardByLocked(c, seen)
}

// sentByLocked is the set of sources channel c sends into Asterisk.
func (s *Server) sentByLocked(c *channel, seen visit) map[string]bool {
	if seen == nil {
		seen = visit{}
	}
	out := map[string]bool{}
	if c == nil || seen[c] || c.muteIn {
		return out
	}
	seen[c] = true
	defer delete(seen, c)
	switch c.kind {
	case kindSnoop:
		if c.snoopOf != nil {
			if c.spy == "in" || c.spy == "both" {
				for k := range s.sentByLocked(c.snoopOf, seen) {
					out[k] = true
				}
			}
			if c.spy == "out" || c.spy == "both" {
				seen[c] = true
				for k := range s.heardByLocked(c.snoopOf, seen) {
					out[k] = true
				}
			}
		}
		return out
	case kindLocal:
		if c.localPeer != nil {
			return s.heardByLocked(c.localPeer, seen)
		}
		return out
	}
	if c.held || c.state != StateUp && c.kind != kindInbound {
		return out
	}
	if c.dev != nil && c.call != nil && c.call.state != CallEnded {
		if l := c.dev.sendLabel(); l != "" {
			out[l] = true
		}
	}
	for _, sn := range c.snoops {
		if sn.whisper == "in" || sn.whisper == "both" {
			for k := range s.heardByLocked(sn, seen) {
				out[k] = true
			}
		}
	}
	return out
}

// mediaChangedLocked is called whenever the audio paths may have changed.
func (s *Server) mediaChangedLocked() { s.notifyLocked() }

// dtmfFromDeviceLocked delivers one digit a phone sends on channel c: the
// app sees ChannelDtmfReceived unless a native bridge carries the RTP, the
// bridge peers receive it unless the sender was added with absorbDTMF, a
// recording with terminateOn stops.
func (s *Server) dtmfFromDeviceLocked(c *channel, digit string) {
	b := c.bridge
	native := b != nil && b.native()
	if c.inStasis && !native {
		s.chanEvent(c, "ChannelDtmfReceived", map[string]any{"digit": digit, "duration_ms": 180})
	}
	if b != nil && (native || !c.member.absorbDTMF) {
		for _, m := range b.members {
			if m != c && m.call != nil {
				m.call.dtmf = append(m.call.dtmf, digit)
			}
		}
	}
	if r := c.rec; r != nil && r.terminateOn != "" && r.terminateOn != "none" &&
		(r.terminateOn == "any" || r.terminateOn == digit) {
		s.finishRecordingLocked(r, "done")
	}
	s.notifyLocked()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// AudioPaths reports, for every device with a live call, what it hears right
// now, keyed "<endpoint>/<device>": the send labels of the devices whose
// audio reaches it and the media playing to it. One-way paths show as a
// label present on one side only.
func (s *Server) AudioPaths() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for _, p := range s.phones {
		for _, d := range p.devices {
			for _, c := range d.calls {
				if c.ch != nil && c.state != CallEnded {
					key := p.endpoint + "/" + d.name
					out[key] = append(out[key], sortedKeys(s.heardByLocked(c.ch, nil))...)
				}
			}
		}
	}
	return out
}
