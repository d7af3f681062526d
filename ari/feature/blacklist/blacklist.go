// Package blacklist is FC-BL-LAST (*76#: blacklist the last external
// caller), FC-BL-ADD (*75#: asks for a number to blacklist) and FC-BL-DEL
// (*075#: asks for a number to whitelist). Numbers are kept in canonical
// form, so a number blocked however it was typed is blocked however it
// calls in; extension numbers can never be blacklisted. Rejecting
// blacklisted callers is callflow's SYS-ROUTE step 1.
package blacklist

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
)

// Register serves the blacklist codes on the router.
func Register(r *callflow.Router) {
	r.Handle(dialplan.CodeBlacklistLast, feature.HandlerFunc(last))
	r.Handle(dialplan.CodeBlacklistAdd, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		return prompted(ctx, env, req, true)
	}))
	r.Handle(dialplan.CodeBlacklistDel, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		return prompted(ctx, env, req, false)
	}))
}

func last(ctx context.Context, env *feature.Env, req *feature.Request) error {
	ext := req.Caller.Number
	num, err := env.Directory.LastExternalCaller(ctx, ext)
	if err != nil {
		return fmt.Errorf("last caller of %s: %w", ext, err)
	}
	if num == "" {
		req.Call.Trace(ctx, "blacklist", "no external caller to blacklist")
		return feature.Confirm(ctx, req, "sound:vm-nonumber")
	}
	if err := env.Directory.Blacklist(ctx, num, ext); err != nil {
		return fmt.Errorf("blacklist %s: %w", num, err)
	}
	req.Call.Trace(ctx, "blacklist", ext+" blacklisted the last caller "+num)
	return feature.Confirm(ctx, req, "sound:num-was-successfully", "sound:added")
}

// prompted asks for a number and adds it to (or removes it from) the list.
func prompted(ctx context.Context, env *feature.Env, req *feature.Request, add bool) error {
	c := req.Call
	if err := c.Answer(ctx); err != nil {
		return err
	}
	log := env.Logger(req, "blacklist")
	for attempt := 0; attempt < 3; attempt++ {
		digits, err := c.Collect(ctx, c.Caller, core.CollectOptions{Prompt: []string{"sound:enter-num-blacklist"}, Max: 24})
		if err != nil {
			return err
		}
		if digits == "" {
			continue
		}
		num, err := canonical(env.Plan, digits)
		if err != nil {
			log.InfoContext(ctx, "number refused for the blacklist", "digits", digits, "err", err)
			if err := c.Play(ctx, c.Caller, "sound:invalid"); err != nil {
				return err
			}
			continue
		}
		if add {
			err = env.Directory.Blacklist(ctx, num, req.Caller.Number)
		} else {
			err = env.Directory.Unblacklist(ctx, num)
		}
		if err != nil {
			return fmt.Errorf("blacklist %s: %w", num, err)
		}
		if add {
			c.Trace(ctx, "blacklist", req.Caller.Number+" blacklisted "+num)
			return feature.Confirm(ctx, req, "sound:num-was-successfully", "sound:added")
		}
		c.Trace(ctx, "blacklist", req.Caller.Number+" whitelisted "+num)
		return feature.Confirm(ctx, req, "sound:num-was-successfully", "sound:removed")
	}
	return feature.Confirm(ctx, req, "sound:goodbye")
}

// ErrExtensionNumber refuses an internal number for the blacklist.
var ErrExtensionNumber = fmt.Errorf("blacklist: extension numbers cannot be blacklisted")

// canonical turns typed digits into the canonical external number: with or
// without the outbound prefix; internal numbers are refused.
func canonical(p *dialplan.Plan, digits string) (string, error) {
	n, err := p.CanonicalDialled(digits)
	if err != nil {
		if n, err = p.CanonicalCallerID(digits); err != nil {
			return "", err
		}
	}
	// From the trunk only internal destinations route: a number that
	// routes is one of ours.
	if _, err := p.Route(n, dialplan.Caller{Origin: dialplan.OriginTrunk}); err == nil {
		return "", ErrExtensionNumber
	}
	return n, nil
}
