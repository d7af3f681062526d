package callflow

import (
	"context"
	"errors"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
)

// Talk connects the caller with the answered leg and keeps them talking
// until one side hangs up; the other side is then hung up. ext, when not
// empty, is the answering extension: it counts as in a call meanwhile (so a
// second call finds it busy). The caller's extension counts too.
func Talk(ctx context.Context, env *feature.Env, req *feature.Request, leg *core.Leg, ext string) error {
	c := req.Call
	if ext != "" {
		defer env.Presence.Enter(ext)()
	}
	if req.Caller != nil {
		defer env.Presence.Enter(req.Caller.Number)()
	}
	b, err := c.Connect(ctx, leg)
	if errors.Is(err, core.ErrLegGone) {
		// The party who answered hung up while the call was being
		// connected (Asterisk no longer knew its channel when the bridge
		// took it): the call was answered and ends normally.
		c.Trace(ctx, "hangup", leg.Target+" hung up as the call was connected")
		c.Annotate(ctx, "disposition", "answered")
		return c.Hangup(ctx, c.Caller, "normal")
	}
	if err != nil {
		return err
	}
	c.Annotate(ctx, "disposition", "answered")
	gone, err := c.Talk(ctx, nil, c.Caller, leg)
	if err != nil {
		return err
	}
	for _, l := range []*core.Leg{c.Caller, leg} {
		if l != gone {
			if err := c.Hangup(ctx, l, "normal"); err != nil {
				return err
			}
		}
	}
	c.DestroyBridge(ctx, b)
	return nil
}
