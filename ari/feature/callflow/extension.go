package callflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/store"
)

const (
	defaultRingTime = 30 * time.Second
	// maxHops bounds forwards and follow-me legs chained in one call.
	maxHops = 5
)

// visitedKey stores on the call the extensions already rung, to cut
// forwarding loops (101 -> 102 -> 101).
const visitedKey = "callflow.visited"

func (r *Router) serveExtension(ctx context.Context, env *feature.Env, req *feature.Request) error {
	return ringExtension(ctx, env, req, req.Route.Number, "original", dialledProfile(req.Call, req.Route.Number))
}

// RingExtension runs SYS-ROUTE for a call to extension ext: blacklist, DND,
// forward all, ring every device and the browser, then busy and no-answer
// handling. kind tags the legs for the call record ("original", "forward",
// "transfer", …). Other features (transfer, park return, queues) call it too.
func RingExtension(ctx context.Context, env *feature.Env, req *feature.Request, ext, kind string) error {
	return ringExtension(ctx, env, req, ext, kind, nil)
}

// ringExtension is RingExtension with ext's profile when it was read already
// (nil: it is read now, extension, forwards and follow-me at once).
func ringExtension(ctx context.Context, env *feature.Env, req *feature.Request, ext, kind string, prof *feature.Profile) error {
	c := req.Call
	visited, _ := c.Get(visitedKey).(map[string]bool)
	if visited == nil {
		visited = map[string]bool{}
		c.Set(visitedKey, visited)
	}
	if visited[ext] || len(visited) >= maxHops {
		c.Trace(ctx, "loop", fmt.Sprintf("%s already rung in this call: forwarding loop cut", ext))
		return c.Hangup(ctx, c.Caller, "busy")
	}
	visited[ext] = true
	if prof == nil {
		var err error
		if prof, err = feature.ReadProfile(ctx, env.Directory, ext); err != nil {
			if !errors.Is(err, feature.ErrUnknownExtension) {
				c.Log().WarnContext(ctx, "cannot read the extension's settings", "feature", "callflow", "ext", ext, "err", err)
			}
			c.Trace(ctx, "reject", "no extension "+ext)
			return reject(ctx, c, "pbx-invalid")
		}
	}
	target, fw, fm := prof.Extension, prof.Forwards, prof.FollowMe
	if len(visited) == 1 && c.Get(rungKey) == nil {
		// Ringing goes to the caller before the other decisions: phones
		// wait for a provisional answer, and the decisions take round
		// trips (settings, contacts of every device).
		_ = c.Ring(ctx)
	}
	// 1. blacklist
	if req.External() && req.CallerNumber != "" {
		bad, err := env.Directory.Blacklisted(ctx, req.CallerNumber)
		if err != nil {
			return fmt.Errorf("blacklist: %w", err)
		}
		if bad {
			c.Trace(ctx, "blacklist", req.CallerNumber+" is blacklisted: rejected")
			c.Annotate(ctx, "disposition", "failed")
			return c.Hangup(ctx, c.Caller, "rejected")
		}
	}
	// 2. DND
	if target.DND {
		if target.DNDToVoicemail && target.VoicemailEnabled && env.Voicemail != nil {
			c.Trace(ctx, "dnd", ext+" is in do-not-disturb: voicemail")
			return env.Voicemail.Deposit(ctx, env, req, ext, "busy")
		}
		c.Trace(ctx, "dnd", ext+" is in do-not-disturb: busy")
		c.Annotate(ctx, "disposition", "busy")
		return c.Hangup(ctx, c.Caller, "busy")
	}
	// 3. forward all
	if fw.All.On && fw.All.Number != "" {
		c.Trace(ctx, "forward-all", ext+" forwards all calls to "+fw.All.Number)
		return forwardTo(ctx, env, req, target, fw.All.Number)
	}
	ring := env.RingTime
	if fm.On && fm.OwnRing > 0 {
		ring = fm.OwnRing
	}
	// 4. ring every device and the browser (no call waiting)
	var res core.DialResult
	if env.Presence.Busy(ext) {
		c.Trace(ctx, "busy", ext+" is in a call")
		res.Outcome = core.Busy
	} else {
		targets, err := extensionTargets(ctx, c, ext, target.PortalEnabled, req, kind)
		if err != nil {
			return err
		}
		c.Trace(ctx, "ring", fmt.Sprintf("%s: %d device(s) for %s", ext, len(targets), ring))
		res, err = c.Dial(ctx, targets, ring)
		if err != nil {
			return err
		}
	}
	switch res.Outcome {
	case core.Answered:
		c.Trace(ctx, "answered", ext+" answered")
		return Talk(ctx, env, req, res.Leg, ext)
	case core.Busy, core.Rejected:
		// 5. busy
		if fw.Busy.On && fw.Busy.Number != "" {
			c.Trace(ctx, "forward-busy", ext+" is busy: forward to "+fw.Busy.Number)
			return forwardTo(ctx, env, req, target, fw.Busy.Number)
		}
		if target.VoicemailEnabled && env.Voicemail != nil {
			c.Trace(ctx, "voicemail", ext+" is busy: voicemail")
			return env.Voicemail.Deposit(ctx, env, req, ext, "busy")
		}
		c.Trace(ctx, "busy", ext+" is busy")
		c.Annotate(ctx, "disposition", "busy")
		return c.Hangup(ctx, c.Caller, "busy")
	}
	// 6. no answer (or not registered)
	c.Trace(ctx, "no-answer", fmt.Sprintf("%s: %s", ext, res.Outcome))
	if fm.On && len(fm.Steps) > 0 {
		return followMe(ctx, env, req, target, fm)
	}
	if fw.NoAnswer.On && fw.NoAnswer.Number != "" {
		c.Trace(ctx, "forward-noanswer", ext+" did not answer: forward to "+fw.NoAnswer.Number)
		return forwardTo(ctx, env, req, target, fw.NoAnswer.Number)
	}
	if target.VoicemailEnabled && env.Voicemail != nil {
		c.Trace(ctx, "voicemail", ext+" did not answer: voicemail")
		return env.Voicemail.Deposit(ctx, env, req, ext, "unavailable")
	}
	c.Annotate(ctx, "disposition", "no_answer")
	if res.Outcome == core.Unavailable {
		if err := c.Play(ctx, c.Caller, "sound:vm-theperson", "digits:"+ext, "sound:vm-isunavail"); err != nil {
			return err
		}
	}
	return c.Hangup(ctx, c.Caller, "no_answer")
}

// ExtensionTargets lists every registered contact of the extension's desk
// endpoint and of its browser endpoint, each as its own leg. The caller's
// name comes from the phonebook when the number is known (P-CONTACTS).
func ExtensionTargets(ctx context.Context, c *core.Call, ext string, req *feature.Request, tag string) ([]core.Target, error) {
	return extensionTargets(ctx, c, ext, hasBrowser(ctx, c, ext), req, tag)
}

// extensionTargets is ExtensionTargets for a caller that knows whether the
// extension has a browser endpoint (the portal on).
func extensionTargets(ctx context.Context, c *core.Call, ext string, browserToo bool, req *feature.Request, tag string) ([]core.Target, error) {
	// The callee is shown the caller's number and name: for external
	// callers, the name of a stored contact (P-CONTACTS), else the name
	// presented; for extensions, the extension's name.
	vars := map[string]string{}
	if req.CallerNumber != "" {
		name := c.Caller.Channel.Caller.Name
		if req.External() {
			if n, err := dir(c).ContactName(ctx, req.CallerNumber, ext); err == nil && n != "" {
				name = n
			}
		} else if req.Caller.Name != "" {
			name = req.Caller.Name
		}
		vars["CONNECTEDLINE(num,i)"] = req.CallerNumber
		vars["CONNECTEDLINE(name,i)"] = name
	}
	var out []core.Target
	for _, browser := range []bool{false, true} {
		if browser && !browserToo {
			continue
		}
		ep, err := dialplan.EndpointDialString(ext, browser)
		if err != nil {
			return nil, err
		}
		name := strings.TrimPrefix(ep, "PJSIP/")
		v, err := c.Client().Channels().GetVariable(ctx, c.Caller.ID,
			ari.ChannelGetVariableParams{Variable: "PJSIP_DIAL_CONTACTS(" + name + ")"})
		if err != nil {
			if errors.Is(err, ari.ErrNotFound) && c.Caller.Gone {
				return nil, core.ErrCallerGone
			}
			continue // no such endpoint (e.g. no browser provisioned)
		}
		for _, contact := range strings.Split(v.Value, "&") {
			if contact = strings.TrimSpace(contact); contact == "" {
				continue
			}
			if !strings.HasPrefix(contact, ep+"/") {
				return nil, fmt.Errorf("unexpected contact %q for %s", contact, ep)
			}
			out = append(out, core.Target{Label: ext, Endpoint: contact, Variables: vars, Tag: tag})
		}
	}
	return out, nil
}

// forwardTo routes a forward target as extension fwdExt itself would dial it.
func forwardTo(ctx context.Context, env *feature.Env, req *feature.Request, fwdExt *store.Extension, number string) error {
	c := req.Call
	ext := fwdExt.Number
	class, _ := dialplan.ParseClass(fwdExt.OutboundClass)
	route, err := env.Plan.Route(number, dialplan.Caller{Extension: ext, Origin: dialplan.OriginPhone, Class: class})
	if err != nil {
		c.Trace(ctx, "reject", "forward target "+number+": "+err.Error())
		return reject(ctx, c, "pbx-invalid")
	}
	switch route.Kind {
	case dialplan.KindExtension:
		return RingExtension(ctx, env, req, route.Number, "forward")
	case dialplan.KindExternal, dialplan.KindEmergency:
		return dialOut(ctx, env, req, route, fwdExt)
	}
	c.Trace(ctx, "reject", fmt.Sprintf("forward target %s is a %s", number, route.Kind))
	return reject(ctx, c, "pbx-invalid")
}

// followMe rings owner's follow-me list in order, then voicemail or hang-up.
func followMe(ctx context.Context, env *feature.Env, req *feature.Request, owner *store.Extension, fm feature.FollowMe) error {
	c := req.Call
	ext, vm := owner.Number, owner.VoicemailEnabled
	class, _ := dialplan.ParseClass(owner.OutboundClass)
	for i, step := range fm.Steps {
		route, err := env.Plan.Route(step.Number, dialplan.Caller{Extension: ext, Origin: dialplan.OriginPhone, Class: class})
		if err != nil {
			c.Trace(ctx, "followme", fmt.Sprintf("step %d %s skipped: %v", i+1, step.Number, err))
			continue
		}
		var targets []core.Target
		switch route.Kind {
		case dialplan.KindExtension:
			if env.Presence.Busy(route.Number) {
				c.Trace(ctx, "followme", fmt.Sprintf("step %d %s is busy", i+1, route.Number))
				continue
			}
			if targets, err = ExtensionTargets(ctx, c, route.Number, req, "followme"); err != nil {
				return err
			}
		case dialplan.KindExternal:
			if env.Trunk == "" {
				continue
			}
			ep, err := dialplan.TrunkDialString(env.Trunk, route.Digits)
			if err != nil {
				return err
			}
			targets = []core.Target{{Label: route.Number, Endpoint: ep, Tag: "followme"}}
		default:
			continue
		}
		c.Trace(ctx, "followme", fmt.Sprintf("step %d: %s for %s", i+1, route.Number, step.Ring))
		res, err := c.Dial(ctx, targets, step.Ring)
		if err != nil {
			return err
		}
		if res.Outcome == core.Answered {
			return Talk(ctx, env, req, res.Leg, route.Number)
		}
	}
	if vm && env.Voicemail != nil {
		c.Trace(ctx, "voicemail", "follow-me list exhausted: voicemail of "+ext)
		return env.Voicemail.Deposit(ctx, env, req, ext, "unavailable")
	}
	c.Trace(ctx, "followme", "list exhausted: hang up")
	c.Annotate(ctx, "disposition", "no_answer")
	return c.Hangup(ctx, c.Caller, "no_answer")
}

// envKey keeps the feature environment on the call for helpers that are
// handed only the call.
const envKey = "callflow.env"

// dir is the directory of the call's environment.
func dir(c *core.Call) feature.Directory {
	if env, ok := c.Get(envKey).(*feature.Env); ok && env.Directory != nil {
		return env.Directory
	}
	return noDirectory{}
}

// hasBrowser reports whether ext has a browser endpoint to ring: the
// portal's WebRTC phone (<n>-web) is provisioned only for extensions with
// the portal on, and asking Asterisk for the contacts of an endpoint that
// does not exist costs a request and a WARNING in its log on every call.
// Without a directory (calls the app places itself) it is asked for.
func hasBrowser(ctx context.Context, c *core.Call, ext string) bool {
	env, ok := c.Get(envKey).(*feature.Env)
	if !ok || env.Directory == nil {
		return true
	}
	e, err := env.Directory.Extension(ctx, ext)
	return err != nil || e.PortalEnabled
}

// noDirectory answers "unknown" to every phonebook question.
type noDirectory struct{ feature.Directory }

func (noDirectory) ContactName(context.Context, string, string) (string, error) { return "", nil }
