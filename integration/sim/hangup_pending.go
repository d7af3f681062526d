package sim

import "time"

// DefaultHangupDelay is how long, in wall time, a channel in Stasis stays
// after DELETE /channels/{id} answered before its Stasis loop acts on the
// hang-up. Measured on Asterisk 22.10.1: a second DELETE sent 1–3 ms after
// the first still answered 204, raised a second ChannelHangupRequest, and
// its reason became the channel's cause (busy then normal: the phone got
// 603, not 486); one sent 300 ms later answered 404.
const DefaultHangupDelay = 3 * time.Millisecond

// requestHangupLocked is DELETE /channels/{id}. A channel in Stasis is not
// torn down at once: Asterisk sets the cause, raises ChannelHangupRequest
// {cause 32, soft} and answers, and the channel's Stasis loop ends it a
// moment later. A DELETE arriving in between answers 204 too, raises another
// request and overwrites the cause (ari_channels_hangup sets the hangup
// cause on every call). Other channels (snoops, Local halves, channels
// running dialplan) go at once, as before.
func (s *Server) requestHangupLocked(c *channel, h hangupSpec) {
	delay := s.opts.HangupDelay
	if delay == 0 {
		delay = DefaultHangupDelay
	}
	if p := c.pendingHangup; p != nil {
		s.chanEvent(c, "ChannelHangupRequest", map[string]any{"cause": h.reqCause, "soft": h.reqSoft})
		p.cause, p.tech = h.cause, h.tech
		return
	}
	if delay < 0 || !c.inStasis || c.kind == kindSnoop || c.kind == kindLocal || c.dying {
		s.hangupLocked(c, h)
		return
	}
	s.chanEvent(c, "ChannelHangupRequest", map[string]any{"cause": h.reqCause, "soft": h.reqSoft})
	h.noRequest = true
	c.pendingHangup = &h
	time.AfterFunc(delay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		spec := *c.pendingHangup
		c.pendingHangup = nil
		s.hangupLocked(c, spec) // nothing when the channel went another way meanwhile
		s.notifyLocked()
	})
}

// hangupsPendingLocked reports whether a channel waits for its Stasis loop
// to act on a DELETE (Settle waits for those).
func (s *Server) hangupsPendingLocked() bool {
	for _, c := range s.channels {
		if c.pendingHangup != nil {
			return true
		}
	}
	return false
}
