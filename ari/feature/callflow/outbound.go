package callflow

import (
	"context"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/store"
)

// serveOutbound sends an external or emergency number out through the
// trunk. The outbound class was checked by the plan (emergency numbers
// always pass).
func serveOutbound(ctx context.Context, env *feature.Env, req *feature.Request) error {
	return dialOut(ctx, env, req, req.Route, req.Caller)
}

// dialOut rings an external number through the trunk on behalf of ext
// (whose outbound caller id is presented when set).
func dialOut(ctx context.Context, env *feature.Env, req *feature.Request, route dialplan.Route, ext *store.Extension) error {
	c := req.Call
	if env.Trunk == "" {
		c.Trace(ctx, "reject", "no trunk configured for "+route.Number)
		return reject(ctx, c, "ss-noservice")
	}
	ep, err := dialplan.TrunkDialString(env.Trunk, route.Digits)
	if err != nil {
		return err
	}
	vars := map[string]string{}
	if ext != nil && ext.OutboundCallerID != "" {
		// What the provider sees is the new leg's connected line: set, it
		// is dialled without caller= (which would copy the extension's own
		// number over it).
		vars["CONNECTEDLINE(num,i)"] = ext.OutboundCallerID
		vars["CONNECTEDLINE(name,i)"] = ext.Name
	}
	c.Trace(ctx, "outbound", "to "+route.Number+" through "+env.Trunk)
	_ = c.Ring(ctx)
	res, err := c.Dial(ctx, []core.Target{{Label: route.Number, Endpoint: ep, Variables: vars, Tag: "outbound"}}, 2*env.RingTime)
	if err != nil {
		return err
	}
	switch res.Outcome {
	case core.Answered:
		return Talk(ctx, env, req, res.Leg, "")
	case core.Busy, core.Rejected:
		c.Annotate(ctx, "disposition", "busy")
		return c.Hangup(ctx, c.Caller, "busy")
	case core.NoAnswer:
		c.Annotate(ctx, "disposition", "no_answer")
		return c.Hangup(ctx, c.Caller, "no_answer")
	}
	c.Annotate(ctx, "disposition", "failed")
	return c.Hangup(ctx, c.Caller, "congestion")
}
