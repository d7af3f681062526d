// Package forward is FC-FWD-ALL, FC-FWD-BUSY and FC-FWD-NOANS: *71/*72/*73
// followed by a target set a forward on (the same three targets the portal's
// P-FWD edits), *071/*072/*073 switch it off. External targets carry the
// outbound prefix; the plan validated the target before the call got here.
package forward

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
)

type code struct {
	kind   feature.ForwardKind
	on     bool
	prompt string
}

var codes = map[dialplan.CodeID]code{
	dialplan.CodeFwdAll:         {feature.ForwardAll, true, "call-fwd-unconditional"},
	dialplan.CodeFwdAllOff:      {feature.ForwardAll, false, "call-fwd-unconditional"},
	dialplan.CodeFwdBusy:        {feature.ForwardBusy, true, "call-fwd-on-busy"},
	dialplan.CodeFwdBusyOff:     {feature.ForwardBusy, false, "call-fwd-on-busy"},
	dialplan.CodeFwdNoAnswer:    {feature.ForwardNoAnswer, true, "call-fwd-no-ans"},
	dialplan.CodeFwdNoAnswerOff: {feature.ForwardNoAnswer, false, "call-fwd-no-ans"},
}

// Register serves the forward codes on the router.
func Register(r *callflow.Router) {
	for id, c := range codes {
		c := c
		r.Handle(id, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
			return set(ctx, env, req, c)
		}))
	}
}

func set(ctx context.Context, env *feature.Env, req *feature.Request, c code) error {
	ext := req.Caller.Number
	cur, err := env.Directory.Forwards(ctx, ext)
	if err != nil {
		return fmt.Errorf("forwards of %s: %w", ext, err)
	}
	f := feature.Forward{On: c.on}
	switch c.kind {
	case feature.ForwardAll:
		f.Number = cur.All.Number
	case feature.ForwardBusy:
		f.Number = cur.Busy.Number
	case feature.ForwardNoAnswer:
		f.Number = cur.NoAnswer.Number
	}
	if c.on {
		f.Number = req.Route.Arg
	}
	if err := env.Directory.SetForward(ctx, ext, c.kind, f); err != nil {
		return fmt.Errorf("set forward %s of %s: %w", c.kind, ext, err)
	}
	env.Logger(req, "forward").InfoContext(ctx, "forward set", "extension", ext, "kind", c.kind, "on", c.on, "target", f.Number)
	req.Call.Trace(ctx, "forward-set", fmt.Sprintf("%s: forward %s %v %s", ext, c.kind, c.on, f.Number))
	if c.on {
		return feature.Confirm(ctx, req, "sound:"+c.prompt, "sound:is-set-to", "digits:"+f.Number, "sound:beep")
	}
	return feature.Confirm(ctx, req, "sound:"+c.prompt, "sound:cancelled", "sound:beep")
}
