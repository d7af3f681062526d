// Package intercom is FC-INTERCOM (*50<ext>#: a two-way call the target
// phone answers by itself) and FC-PAGE (*51<ext>#: the same, one way — only
// the caller is heard). The legs carry the auto-answer headers phones
// understand (Call-Info answer-after=0, Alert-Info info=alert-autoanswer,
// Answer-Mode: Auto). One-way audio is the paged leg joining a
// "mixing,dtmf_events" bridge muted: in a plain "mixing" bridge two PJSIP
// legs bridge natively and Asterisk ignores the mute (recorded on 22.10.1).
package intercom

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
)

// AnswerTimeout is how long a phone that ignores the headers rings.
const AnswerTimeout = 10 * time.Second

// AutoAnswerVariables are set on every intercom and paging leg.
var AutoAnswerVariables = map[string]string{
	"PJSIP_HEADER(add,Call-Info)":   "<sip:switchboard>;answer-after=0",
	"PJSIP_HEADER(add,Alert-Info)":  "<http://switchboard.invalid>;info=alert-autoanswer;delay=0",
	"PJSIP_HEADER(add,Answer-Mode)": "Auto",
}

// Register serves *50 and *51 on the router.
func Register(r *callflow.Router) {
	r.Handle(dialplan.CodeIntercom, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		return call(ctx, env, req, false)
	}))
	r.Handle(dialplan.CodePage, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		return call(ctx, env, req, true)
	}))
}

func call(ctx context.Context, env *feature.Env, req *feature.Request, oneWay bool) error {
	c := req.Call
	ext := req.Route.Number
	what := "intercom"
	if oneWay {
		what = "page"
	}
	if _, err := env.Directory.Extension(ctx, ext); err != nil {
		c.Trace(ctx, what, "no extension "+ext)
		return c.Hangup(ctx, c.Caller, "unallocated")
	}
	if env.Presence.Busy(ext) {
		c.Trace(ctx, what, ext+" is in a call: not interrupted")
		return c.Hangup(ctx, c.Caller, "busy")
	}
	targets, err := callflow.ExtensionTargets(ctx, c, ext, req, "original")
	if err != nil {
		return err
	}
	for i := range targets {
		vars := map[string]string{}
		for k, v := range targets[i].Variables {
			vars[k] = v
		}
		for k, v := range AutoAnswerVariables {
			vars[k] = v
		}
		targets[i].Variables = vars
	}
	c.Trace(ctx, what, fmt.Sprintf("%s: %d device(s)", ext, len(targets)))
	res, err := c.Dial(ctx, targets, AnswerTimeout)
	if err != nil {
		return err
	}
	if res.Outcome != core.Answered {
		c.Trace(ctx, what, fmt.Sprintf("%s: %s", ext, res.Outcome))
		reason := "no_answer"
		if res.Outcome == core.Busy {
			reason = "busy"
		}
		return c.Hangup(ctx, c.Caller, reason)
	}
	defer env.Presence.Enter(ext)()
	b, err := c.NewBridge(ctx, core.BridgeType)
	if err != nil {
		return err
	}
	if err := c.Answer(ctx); err != nil {
		return err
	}
	if err := c.Join(ctx, b, core.JoinOptions{AbsorbDTMF: true}, c.Caller); err != nil {
		return err
	}
	if err := c.Join(ctx, b, core.JoinOptions{AbsorbDTMF: true, Mute: oneWay}, res.Leg); err != nil {
		return err
	}
	c.SetState(ctx, core.StateTalking, what+" to "+ext)
	c.Annotate(ctx, "disposition", "answered")
	gone, err := c.Talk(ctx, nil, c.Caller, res.Leg)
	if err != nil {
		return err
	}
	for _, l := range []*core.Leg{c.Caller, res.Leg} {
		if l != gone {
			if err := c.Hangup(ctx, l, "normal"); err != nil {
				return err
			}
		}
	}
	c.DestroyBridge(ctx, b)
	return nil
}
