// Package dnd is FC-DND: *74# switches do-not-disturb on with a confirmation
// beep, *074# off. While it is on, every inbound call is rejected as busy (or
// sent to voicemail where the user chose it) by callflow's SYS-ROUTE step 2;
// outbound calls still work.
package dnd

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
)

// Register serves the DND codes on the router.
func Register(r *callflow.Router) {
	r.Handle(dialplan.CodeDNDOn, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		return set(ctx, env, req, true)
	}))
	r.Handle(dialplan.CodeDNDOff, feature.HandlerFunc(func(ctx context.Context, env *feature.Env, req *feature.Request) error {
		return set(ctx, env, req, false)
	}))
}

func set(ctx context.Context, env *feature.Env, req *feature.Request, on bool) error {
	ext := req.Caller.Number
	if err := env.Directory.SetDND(ctx, ext, on); err != nil {
		return fmt.Errorf("dnd %s: %w", ext, err)
	}
	env.Logger(req, "dnd").InfoContext(ctx, "do-not-disturb set", "extension", ext, "on", on)
	req.Call.Trace(ctx, "dnd", fmt.Sprintf("%s sets do-not-disturb %v", ext, on))
	if on {
		return feature.Confirm(ctx, req, "sound:beep", "sound:do-not-disturb", "sound:activated")
	}
	return feature.Confirm(ctx, req, "sound:beep", "sound:do-not-disturb", "sound:de-activated")
}
