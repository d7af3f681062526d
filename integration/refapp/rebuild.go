package refapp

import (
	"context"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari"
)

// rebuild runs after the event WebSocket came back. Asterisk replays no
// event of the outage, so the app's view is rebuilt from what Asterisk
// reports: a bridge of ours that still holds two of the app's channels is a
// call that lives on (kept, whatever the app remembered); every other call is
// half set up, or lost a party, and is ended deliberately; stray channels of
// the app are hung up and empty bridges of ours destroyed.
func (a *App) rebuild(ctx context.Context) {
	rctx, cancel := rest(ctx)
	defer cancel()
	app, err := a.c.Applications().Get(rctx, a.appName)
	if err != nil {
		a.log.Warn("rebuild: GET /applications failed", "error", err)
		return
	}
	channels, err := a.c.Channels().List(rctx)
	if err != nil {
		a.log.Warn("rebuild: GET /channels failed", "error", err)
		return
	}
	bridges, err := a.c.Bridges().List(rctx)
	if err != nil {
		a.log.Warn("rebuild: GET /bridges failed", "error", err)
		return
	}
	inApp := map[string]bool{}
	for _, id := range app.ChannelIDs {
		inApp[id] = true
	}
	byID := map[string]ari.Channel{}
	for _, ch := range channels {
		byID[ch.ID] = ch
	}
	old := a.calls
	a.calls = map[string]*call{}
	a.byChan = map[string]*call{}
	kept := map[string]bool{}
	for _, b := range bridges {
		if !strings.HasPrefix(b.ID, a.prefix) {
			continue
		}
		var live []string
		for _, id := range b.Channels {
			if inApp[id] {
				live = append(live, id)
			}
		}
		if len(live) != 2 {
			a.log.Info("rebuild: bridge lost a party: ending it", "bridge", b.ID, "channels", live)
			for _, id := range live {
				_ = a.c.Channels().Hangup(rctx, id, ari.ChannelHangupParams{Reason: "normal"})
			}
			_ = a.c.Bridges().Destroy(rctx, b.ID)
			continue
		}
		id := strings.TrimSuffix(b.ID, "-br")
		c := &call{id: id, bridge: b.ID, phase: bridged, legs: map[string]*leg{}}
		// The caller is the channel that is not one of our legs.
		for _, chID := range live {
			if strings.HasPrefix(chID, id+"-leg") {
				c.winner = chID
				c.legs[chID] = &leg{id: chID, inStasis: true}
			} else {
				c.caller = chID
				c.callerNo = byID[chID].Caller.Number
			}
		}
		if c.caller == "" || c.winner == "" {
			c.caller, c.winner = live[0], live[1]
		}
		a.calls[c.id] = c
		a.byChan[c.caller] = c
		a.byChan[c.winner] = c
		kept[c.caller], kept[c.winner] = true, true
		a.logCall(c)("rebuild: bridged call kept", "caller", c.caller, "callee", c.winner)
	}
	for _, c := range old {
		if c.timer != nil {
			c.timer.Stop()
		}
	}
	for id := range inApp {
		if kept[id] {
			continue
		}
		a.log.Info("rebuild: ending half-set-up channel", "channel", id, "state", byID[id].State)
		_ = a.c.Channels().Hangup(rctx, id, ari.ChannelHangupParams{Reason: "normal"})
	}
	a.mu.Lock()
	a.rebuilt = len(a.calls)
	a.mu.Unlock()
	a.setActive()
}
