package core

import (
	"context"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari"
)

// LegLost tells a call that one of its channels vanished while the event
// stream was down (its events were dropped by Asterisk).
type LegLost struct {
	ari.EventBase
	// ChannelID is the vanished channel.
	ChannelID string
}

// ChannelIDs routes the notice to the channel's owner.
func (l *LegLost) ChannelIDs() []string { return []string{l.ChannelID} }

// BridgeIDs returns nil.
func (l *LegLost) BridgeIDs() []string { return nil }

// resync runs after every connection: it tells calls which of their legs
// vanished during an outage, hangs up channels in our app that no call owns
// (an earlier process's or a finished call's), and destroys our bridges that
// no call owns. Asterisk replays nothing, so this is the only way to neither
// leak nor forget.
func (e *Engine) resync(ctx context.Context, reconnected bool) {
	log := e.log.With("reconnected", reconnected)
	app, err := e.o.Client.Applications().Get(ctx, e.o.Client.Application())
	if err != nil {
		log.WarnContext(ctx, "resync: cannot read the application", "err", err)
		return
	}
	alive := make(map[string]bool, len(app.ChannelIDs))
	for _, id := range app.ChannelIDs {
		alive[id] = true
	}
	owned := map[string]bool{}
	ownedBridges := map[string]bool{}
	e.mu.Lock()
	calls := make([]*Call, 0, len(e.calls))
	for _, c := range e.calls {
		calls = append(calls, c)
	}
	e.mu.Unlock()
	for _, c := range calls {
		for _, id := range c.liveIDs() {
			if Ours(id) && strings.HasPrefix(id, NamePrefix+"br-") {
				ownedBridges[id] = true
				continue
			}
			owned[id] = true
			if !alive[id] {
				log.InfoContext(ctx, "resync: leg vanished during the outage", "call_id", c.ID, "channel", id)
				e.router.Dispatch(ctx, &LegLost{EventBase: ari.EventBase{Type: "SwitchboardLegLost"}, ChannelID: id})
			}
		}
	}
	e.replayAnswers(ctx, owned)
	for _, id := range app.ChannelIDs {
		if !owned[id] && !strings.HasPrefix(id, "Snoop/") {
			log.InfoContext(ctx, "resync: hanging up a channel no call owns", "channel", id)
			e.hangupLater(ctx, id)
		}
	}
	bridges, err := e.o.Client.Bridges().List(ctx)
	if err != nil {
		log.WarnContext(ctx, "resync: cannot list bridges", "err", err)
		return
	}
	for _, b := range bridges {
		// A call may have created the bridge after the ownership snapshot
		// above (it claims a bridge before creating it): the listing came
		// later, so ask the router too.
		if !Ours(b.ID) || ownedBridges[b.ID] || e.router.BridgeClaimed(b.ID) {
			continue
		}
		log.InfoContext(ctx, "resync: destroying a bridge no call owns", "bridge", b.ID, "channels", len(b.Channels))
		for _, ch := range b.Channels {
			if !owned[ch] {
				e.hangupLater(ctx, ch)
			}
		}
		if err := e.o.Client.Bridges().Destroy(ctx, b.ID); err != nil && !isGone(err) {
			log.WarnContext(ctx, "resync: destroy bridge failed", "bridge", b.ID, "err", err)
		}
	}
}

// replayAnswers tells calls about legs answered while the event stream was
// down: the ChannelStateChange was lost with the socket, so a call ringing
// a phone that was picked up meanwhile would ring on. Each owned channel
// Asterisk lists as Up gets a ChannelStateChange made from that listing;
// a call whose leg was already Up sees nothing new.
func (e *Engine) replayAnswers(ctx context.Context, owned map[string]bool) {
	if len(owned) == 0 {
		return
	}
	chans, err := e.o.Client.Channels().List(ctx)
	if err != nil {
		e.log.WarnContext(ctx, "resync: cannot list channels", "err", err)
		return
	}
	now := ari.NewDateTime(e.o.Clock.Now())
	for _, ch := range chans {
		if !owned[ch.ID] || ch.State != "Up" {
			continue
		}
		e.router.Dispatch(ctx, &ari.ChannelStateChange{
			EventBase: ari.EventBase{Type: "ChannelStateChange", Application: e.o.Client.Application(), Timestamp: now},
			Channel:   ch})
	}
}
