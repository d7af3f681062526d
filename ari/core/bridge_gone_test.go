package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/core"
)

// A caller Asterisk forgot before its hang-up's events reached the call
// makes the bridge refuse it (404): that is the caller gone, not a leg.
func TestJoinOfACallerAsteriskAlreadyForgotReportsTheCallerGone(t *testing.T) {
	join := func(ctx context.Context, c *core.Call) error {
		b, err := c.NewBridge(ctx, "")
		if err != nil {
			return err
		}
		return c.Join(ctx, b, core.JoinOptions{}, c.Caller)
	}
	if err := afterAsteriskForgotTheCaller(t, join); !errors.Is(err, core.ErrCallerGone) {
		t.Fatalf("Join of a caller Asterisk forgot = %v, want ErrCallerGone", err)
	}
}
