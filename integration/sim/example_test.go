package sim_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// Example shows the in-process phone API: a simulator on a fake clock,
// phones that register, dial, ring and answer. The app (not shown) talks to
// srv.URL+"/ari" with the ari client; here nothing is connected, so the call
// fails as Asterisk fails calls to an unregistered Stasis application.
func Example() {
	clk := clock.NewFake(time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC))
	s, err := sim.New(sim.Options{Clock: clk, AutoProvision: true})
	if err != nil {
		panic(err)
	}
	defer s.Close() // removes its temporary recordings folder
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	alice := s.Phone("201").Device("desk")
	bob := s.Phone("202").Device("desk")
	_ = alice.Register("")
	_ = bob.Register("")
	bob.SetIncoming(sim.IncomingPolicy{Action: sim.AnswerCall, After: 2 * time.Second})
	alice.Send("1000Hz") // what alice's microphone carries

	call, err := alice.Dial("202")
	if err != nil {
		panic(err)
	}
	clk.Advance(5 * time.Second) // the project's dialplan plays ss-noservice
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = s.Settle(ctx)
	_ = call.WaitState(ctx, sim.CallEnded)
	fmt.Println(call.State(), call.HangupCause(), call.Heard()[0].What)
	// Output: ended 34 sound:ss-noservice
}
