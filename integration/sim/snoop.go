package sim

import "fmt"

// snoopLocked implements POST /channels/{id}/snoop: a Snoop channel that
// hears the target's audio (spy in/out/both) and can speak into it (whisper
// out: into what the target hears; in: into what the target sends), as the
// spy_listen and spy_whisper traces measured.
func (s *Server) snoopLocked(target *channel, p params) (channelJSON, error) {
	spy, whisper := orDefault(p.get("spy"), "none"), orDefault(p.get("whisper"), "none")
	valid := map[string]bool{"none": true, "in": true, "out": true, "both": true}
	if !valid[spy] || !valid[whisper] || spy == "none" && whisper == "none" {
		return channelJSON{}, fmt.Errorf("spy %q whisper %q: %w", spy, whisper, ErrBadRequest)
	}
	if p.get("app") == "" {
		return channelJSON{}, fmt.Errorf("app is required: %w", ErrBadRequest)
	}
	id := p.get("snoopId")
	if id != "" && s.channels[id] != nil {
		return channelJSON{}, fmt.Errorf("channel %q exists: %w", id, ErrConflict)
	}
	sn := s.newChannelLocked(id, "Snoop/"+target.id+"-"+s.newNameSuffixLocked(), kindSnoop)
	sn.state = StateUp
	sn.everUp = true
	sn.snoopOf = target
	sn.spy, sn.whisper = spy, whisper
	target.snoops = append(target.snoops, sn)
	s.channelCreatedLocked(sn)
	snap := sn.json()
	s.enterStasisLocked(sn, p.get("app"), splitArgs(p.get("appArgs")), nil)
	s.mediaChangedLocked()
	return snap, nil
}
