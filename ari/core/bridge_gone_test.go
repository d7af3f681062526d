package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/core/coretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
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
	r := coretest.New(t, j)
	out := r.Dial(r.Device("101"), "700")
	r.WaitState(out, sim.CallUp)
	id := out.ChannelID()
	if err := out.Hangup(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if _, err := r.Client.Channels().Get(r.Ctx(), id); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the hung-up channel is still there")
		}
	}
	close(j.proceed)
	select {
	case err := <-j.result:
		if !errors.Is(err, core.ErrCallerGone) {
			t.Fatalf("Join of a caller Asterisk forgot = %v, want ErrCallerGone", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Join did not return")
	}
	r.WaitIdle()
}
