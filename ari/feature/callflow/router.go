// Package callflow is SYS-CALLFLOW and SYS-ROUTE: it decides where every new
// call goes (extension, external number, feature code, …) and rings
// extensions in the order of decisions FEATURES.md fixes: blacklist, DND,
// forward all, ring every device, busy, no answer (follow-me, forward,
// voicemail). Other features register with the Router for their route kind
// or feature code.
package callflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/store"
)

// Router is the app's core.Handler: it routes each new call and runs the
// feature that serves it.
type Router struct {
	env   *feature.Env
	codes map[dialplan.CodeID]feature.Handler
	kinds map[dialplan.Kind]feature.Handler
}

// NewRouter returns a router that serves extensions, external and emergency
// numbers itself; Handle and HandleKind add the other features.
func NewRouter(env *feature.Env) *Router {
	if env.Presence == nil {
		env.Presence = feature.NewPresence(nil)
	}
	if env.RingTime <= 0 {
		env.RingTime = defaultRingTime
	}
	r := &Router{env: env, codes: map[dialplan.CodeID]feature.Handler{}, kinds: map[dialplan.Kind]feature.Handler{}}
	r.kinds[dialplan.KindExtension] = feature.HandlerFunc(r.serveExtension)
	r.kinds[dialplan.KindExternal] = feature.HandlerFunc(serveOutbound)
	r.kinds[dialplan.KindEmergency] = feature.HandlerFunc(serveOutbound)
	return r
}

// Handle registers the handler of a feature code.
func (r *Router) Handle(code dialplan.CodeID, h feature.Handler) { r.codes[code] = h }

// HandleKind registers the handler of a route kind (queue, ring group,
// parking slot, conference room).
func (r *Router) HandleKind(k dialplan.Kind, h feature.Handler) { r.kinds[k] = h }

// ServeCall routes a call that entered the app.
func (r *Router) ServeCall(ctx context.Context, c *core.Call) error {
	env := r.env
	c.Set(envKey, env)
	req := &feature.Request{Call: c}
	caller := dialplan.Caller{Origin: dialplan.Origin(c.Origin)}
	dialled := c.Dialled
	// The call's annotations are told to observers at once, before the
	// first decision that ends routing (a reject or the feature).
	notes := make([]string, 0, 10)
	if c.Origin == core.OriginTrunk {
		num, err := env.Plan.CanonicalCallerID(c.Caller.Channel.Caller.Number)
		if err == nil {
			req.CallerNumber = num
		}
		notes = append(notes, "type", "inbound")
		if to, err := env.Directory.InboundRoute(ctx, dialled); err != nil {
			return fmt.Errorf("inbound route for %q: %w", dialled, err)
		} else if to != "" {
			c.Trace(ctx, "inbound-route", fmt.Sprintf("DID %s -> %s", dialled, to))
			dialled = to
		}
		// Recorded even when it routes nowhere (the route's number
		// replaces it below when it does).
		notes = append(notes, "to", dialled)
	} else {
		if rt, err := env.Plan.Route(dialled, caller); err == nil && rt.Kind == dialplan.KindExtension {
			// An extension rings its caller before the first store read
			// (the caller's settings): phones wait for a provisional
			// answer, and ringExtension would send it after that read.
			_ = c.Ring(ctx)
			c.Set(rungKey, true)
		}
		ext, err := callerExtension(ctx, env, c, dialled)
		if err != nil {
			c.Trace(ctx, "reject", "caller is not a known extension")
			return reject(ctx, c, "ss-noservice")
		}
		req.Caller, req.CallerNumber = ext, ext.Number
		notes = append(notes, "from_ext", ext.Number)
		caller.Extension = ext.Number
		if cl, err := dialplan.ParseClass(ext.OutboundClass); err == nil {
			caller.Class = cl
		}
	}
	notes = append(notes, "from", req.CallerNumber)
	route, err := env.Plan.Route(dialled, caller)
	if err != nil {
		c.AnnotateAll(ctx, notes...)
		c.Trace(ctx, "reject", err.Error())
		if errors.Is(err, dialplan.ErrNotAllowed) {
			return reject(ctx, c, "ss-noservice")
		}
		return reject(ctx, c, "pbx-invalid")
	}
	req.Route = route
	notes = append(notes, "to", route.Number)
	if route.Kind == dialplan.KindExtension || (route.Kind == dialplan.KindFeatureCode && route.Target == dialplan.KindExtension) {
		notes = append(notes, "to_ext", route.Number)
	}
	if req.Caller != nil && c.Note("type") == "" {
		if route.Kind == dialplan.KindExternal || route.Kind == dialplan.KindEmergency {
			notes = append(notes, "type", "outbound")
		} else {
			notes = append(notes, "type", "internal")
		}
	}
	c.AnnotateAll(ctx, notes...)
	h := r.kinds[route.Kind]
	if route.Kind == dialplan.KindFeatureCode {
		h = r.codes[route.Code]
	}
	if h == nil {
		c.Trace(ctx, "reject", fmt.Sprintf("no feature serves %s %s", route.Kind, route.Code))
		return reject(ctx, c, "ss-noservice")
	}
	return h.Handle(ctx, env, req)
}

// callerExtension finds the extension of the endpoint the call came from:
// the channel name is PJSIP/<endpoint>-<seq>, endpoint <n> or <n>-web. When
// the dialled string may be an extension, its profile is read in the same
// statement and kept on the call for serveExtension (see dialledProfile).
func callerExtension(ctx context.Context, env *feature.Env, c *core.Call, dialled string) (*store.Extension, error) {
	name := strings.TrimPrefix(c.Caller.Channel.Name, "PJSIP/")
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		name = name[:i]
	}
	name = strings.TrimSuffix(name, "-web")
	if name == "" {
		return nil, feature.ErrUnknownExtension
	}
	numbers := []string{name}
	if d := maybeExtension(dialled); d != "" && d != name {
		numbers = append(numbers, d)
	}
	ps, err := feature.ReadProfiles(ctx, env.Directory, numbers...)
	if err != nil {
		return nil, err
	}
	if len(numbers) > 1 && ps[numbers[1]] != nil {
		c.Set(profileKey, ps[numbers[1]])
	}
	p := ps[name]
	if p == nil {
		return nil, fmt.Errorf("%w: %s", feature.ErrUnknownExtension, name)
	}
	return p.Extension, nil
}

// maybeExtension returns the dialled string without a trailing "#" when it
// could be an extension number (1-6 digits), else "".
func maybeExtension(dialled string) string {
	d := strings.TrimSuffix(dialled, "#")
	if d == "" || len(d) > 6 {
		return ""
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return ""
		}
	}
	return d
}

// rungKey marks a call whose caller was sent ringing while it was routed.
const rungKey = "callflow.rung"

// profileKey keeps on the call the dialled extension's profile read with the
// caller's, until serveExtension takes it.
const profileKey = "callflow.profile"

// dialledProfile takes the profile read with the caller's when it is
// extension ext's; it is used once, right after routing, so that a later
// ring (transfer, park return) reads the store again.
func dialledProfile(c *core.Call, ext string) *feature.Profile {
	p, _ := c.Get(profileKey).(*feature.Profile)
	if p == nil {
		return nil
	}
	c.Set(profileKey, nil)
	if p.Extension.Number != ext {
		return nil
	}
	return p
}

// reject plays a prompt as early media and hangs up.
func reject(ctx context.Context, c *core.Call, prompt string) error {
	// Decided: the call could not be set up. Said before the prompt, so
	// that the call record is written now (a crash during the prompt
	// still leaves one; records opens an inbound record once decided).
	c.Annotate(ctx, "disposition", "failed")
	if err := c.Play(ctx, c.Caller, "sound:"+prompt); err != nil && !errors.Is(err, core.ErrLegGone) {
		return err
	}
	return c.Hangup(ctx, c.Caller, "normal")
}
