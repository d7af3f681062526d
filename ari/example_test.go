package ari_test

import (
	"context"
	"errors"
	"log/slog"

	"github.com/switchboard-pbx/switchboard/ari"
)

// Example wires the client, the event stream and the router the way the call
// core does: unclaimed StasisStarts create a call that claims its channel,
// reconnects trigger a resynchronisation, and each call reads its own queue.
func Example() {
	ctx := context.Background()
	m := ari.NewMetrics() // register with prometheus in the binary
	c := ari.New(ari.Options{BaseURL: "http://127.0.0.1:8088/ari", Username: "switchboard", Password: "secret"})
	stream := c.NewStream(ari.StreamOptions{Metrics: m, EventSources: []string{"endpoint:PJSIP", "deviceState:"}})

	var router *ari.Router
	router = ari.NewRouter(ari.RouterOptions{Metrics: m, Default: func(ctx context.Context, ev ari.Event) {
		switch e := ev.(type) {
		case *ari.StreamConnected:
			if e.Reconnected {
				go func() { _, _ = c.Applications().Get(ctx, c.Application()) }() // rebuild state
			}
		case *ari.StasisStart:
			call := router.Register(ctx, e.Channel.ID)
			if err := call.ClaimChannel(e.Channel.ID); err != nil {
				return
			}
			go func() {
				defer call.Close()
				for {
					select {
					case <-call.Context().Done():
						return // closed, or failed on overflow: clean up here
					case ev := <-call.Events():
						if _, ok := ev.(*ari.StasisEnd); ok {
							return
						}
						if dtmf, ok := ev.(*ari.ChannelDtmfReceived); ok && dtmf.Digit == "#" {
							err := c.Channels().Hangup(call.Context(), dtmf.Channel.ID, ari.ChannelHangupParams{Reason: "normal"})
							if err != nil && !errors.Is(err, ari.ErrNotFound) {
								slog.Error("hangup", "call_id", call.Name(), "err", err)
							}
						}
					}
				}
			}()
		}
	}})
	go func() { _ = stream.Run(ctx) }()
	_ = router.Run(ctx, stream.Events())
}
