package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/core"
)

// joinAfter answers, waits for the test, then bridges the caller alone.
type joinAfter struct {
	proceed chan struct{}
	result  chan error
}

func (j *joinAfter) ServeCall(ctx context.Context, c *core.Call) error {
	if err := c.Answer(ctx); err != nil {
		return err
	}
	<-j.proceed
	b, err := c.NewBridge(ctx, "")
	if err == nil {
		err = c.Join(ctx, b, core.JoinOptions{}, c.Caller)
	}
	j.result <- err
	return err
}

// A caller Asterisk forgot before its hang-up's events reached the call
// makes the bridge refuse it (404): that is the caller gone, not a leg.
func TestJoinOfACallerAsteriskAlreadyForgotReportsTheCallerGone(t *testing.T) {
	j := &joinAfter{proceed: make(chan struct{}), result: make(chan error, 1)}
	if err := afterAsteriskForgotTheCaller(t, j, j.proceed, j.result); !errors.Is(err, core.ErrCallerGone) {
		t.Fatalf("Join of a caller Asterisk forgot = %v, want ErrCallerGone", err)
	}
}
