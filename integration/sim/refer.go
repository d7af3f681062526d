package sim

import "fmt"

// blindTransferLocked is a phone's SIP REFER of its bridged call r to target
// under Asterisk's default transfer handling (refer_blind trace): a Local
// channel pair runs the target in the referrer's context, its ;2 half enters
// the app as (origin, target), its ;1 half enters with replace_channel = r and
// takes r's place in the bridge, BridgeBlindTransfer is raised, and r leaves
// and hangs up.
func (s *Server) blindTransferLocked(r *channel, target string) error {
	b := r.bridge
	if b == nil {
		return fmt.Errorf("transfer of %q outside a bridge: %w", r.id, ErrConflict)
	}
	var transferee *channel
	for _, m := range b.members {
		if m != r {
			transferee = m
			break
		}
	}
	if transferee == nil {
		return fmt.Errorf("transfer of %q: no one to transfer: %w", r.id, ErrConflict)
	}
	app := s.appName()
	if a := s.apps[app]; !a.active() {
		return fmt.Errorf("stasis app %q not registered: %w", app, ErrNotFound)
	}
	ctxName := r.context
	if r.ep != nil {
		ctxName = r.ep.context
	}
	s.chanEvent(r, "ChannelUnhold", nil)
	s.setVarLocked(r, "BLINDTRANSFER", transferee.name)
	s.setVarLocked(transferee, "BLINDTRANSFER", r.name)
	bridgeBefore := b.json()

	l1, l2, err := s.newLocalPairLocked("", "Local/"+target+"@"+ctxName, "")
	if err != nil {
		return err
	}
	l1.subs, l2.subs = map[string]int{}, map[string]int{}
	l2.state = StateRing
	origin := "phone"
	if r.ep != nil {
		origin = r.ep.origin()
	}
	s.enterStasisLocked(l2, app, []string{origin, target}, nil)
	s.enterStasisLocked(l1, app, nil, r)

	s.removeFromBridgeLocked(r, false)
	s.addToBridgeLocked(b, l1, memberOpts{}, func() { s.setVarLocked(l1, "BLINDTRANSFER", "") })
	s.emitLocked(ev{typ: "BridgeBlindTransfer", ch: r, br: b, fields: map[string]any{
		"channel": r.json(), "exten": target, "context": ctxName, "result": "Success",
		"is_external": true, "transferee": transferee.json(), "replace_channel": l1.json(),
		"bridge": bridgeBefore}})
	s.hangupLocked(r, hangupSpec{reqCause: 16, cause: 16, noTail: true})
	return nil
}
