package ari

import (
	"context"
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func mustDecode(t *testing.T, raw string) Event {
	t.Helper()
	ev, err := DecodeEvent([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestRouterDeliversEventsToTheChannelOwnerInOrder(t *testing.T) {
	r := NewRouter(RouterOptions{})
	ctx := context.Background()
	call := r.Register(ctx, "call-1")
	if err := call.ClaimChannel("c1"); err != nil {
		t.Fatal(err)
	}
	digits := []string{"1", "2", "#"}
	for _, d := range digits {
		r.Dispatch(ctx, mustDecode(t, `{"type":"ChannelDtmfReceived","digit":"`+d+`","duration_ms":100,"channel":{"id":"c1"}}`))
	}
	for _, d := range digits {
		ev := <-call.Events()
		if got := ev.(*ChannelDtmfReceived).Digit; got != d {
			t.Fatalf("got digit %s, want %s", got, d)
		}
	}
}

func TestRouterGivesUnclaimedEventsToDefaultAndThenToTheOwnerItCreated(t *testing.T) {
	var r *Router
	var created *Owner
	var defaults []string
	r = NewRouter(RouterOptions{Default: func(ctx context.Context, ev Event) {
		defaults = append(defaults, ev.EventType())
		if s, ok := ev.(*StasisStart); ok {
			created = r.Register(ctx, "call-"+s.Channel.ID)
			_ = created.ClaimChannel(s.Channel.ID)
		}
	}})
	ctx := context.Background()
	r.Dispatch(ctx, mustDecode(t, `{"type":"StasisStart","args":["phone","202"],"channel":{"id":"in-1"}}`))
	r.Dispatch(ctx, mustDecode(t, `{"type":"ChannelStateChange","channel":{"id":"in-1","state":"Up"}}`))
	r.Dispatch(ctx, mustDecode(t, `{"type":"DeviceStateChanged","device_state":{"name":"Stasis:park41","state":"INUSE"}}`))
	if created == nil {
		t.Fatal("default handler did not see StasisStart")
	}
	if got := []string{(<-created.Events()).EventType(), (<-created.Events()).EventType()}; got[0] != "StasisStart" || got[1] != "ChannelStateChange" {
		t.Fatalf("owner got %v", got)
	}
	if len(defaults) != 2 || defaults[1] != "DeviceStateChanged" {
		t.Fatalf("default got %v", defaults)
	}
}

func TestRouterRoutesByReplaceChannelPeerAndBridge(t *testing.T) {
	r := NewRouter(RouterOptions{Default: func(context.Context, Event) { t.Error("event reached default") }})
	ctx := context.Background()
	a := r.Register(ctx, "a")
	_ = a.ClaimChannel("old-leg")
	b := r.Register(ctx, "b")
	_ = b.ClaimBridge("br-1")
	r.Dispatch(ctx, mustDecode(t, `{"type":"StasisStart","args":[],"channel":{"id":"new-leg"},"replace_channel":{"id":"old-leg"}}`))
	r.Dispatch(ctx, mustDecode(t, `{"type":"PlaybackFinished","playback":{"id":"p","target_uri":"bridge:br-1"}}`))
	if ev := <-a.Events(); ev.EventType() != "StasisStart" {
		t.Fatalf("a got %s", ev.EventType())
	}
	if ev := <-b.Events(); ev.EventType() != "PlaybackFinished" {
		t.Fatalf("b got %s", ev.EventType())
	}
}

func TestRouterFailsAnOwnerWhoseQueueOverflows(t *testing.T) {
	m := NewMetrics()
	var defaults int
	r := NewRouter(RouterOptions{OwnerQueue: 2, Metrics: m, Default: func(context.Context, Event) { defaults++ }})
	ctx := context.Background()
	slow := r.Register(ctx, "slow")
	_ = slow.ClaimChannel("c1")
	for range 3 {
		r.Dispatch(ctx, mustDecode(t, `{"type":"ChannelStateChange","channel":{"id":"c1"}}`))
	}
	select {
	case <-slow.Context().Done():
	default:
		t.Fatal("owner not failed on overflow")
	}
	if !errors.Is(context.Cause(slow.Context()), ErrOwnerOverflow) {
		t.Fatalf("cause %v", context.Cause(slow.Context()))
	}
	if got := counterValue(t, m.ownerOverflow); got != 1 {
		t.Fatalf("overflow counter %v", got)
	}
	if err := slow.ClaimChannel("c2"); !errors.Is(err, ErrOwnerOverflow) {
		t.Fatalf("claim after failure: %v", err)
	}
	r.Dispatch(ctx, mustDecode(t, `{"type":"ChannelStateChange","channel":{"id":"c1"}}`))
	if defaults != 1 {
		t.Fatalf("events of a failed owner's channels should reach default, got %d", defaults)
	}
}

func TestChannelHasOneOwnerAtATime(t *testing.T) {
	r := NewRouter(RouterOptions{})
	ctx := context.Background()
	a, b := r.Register(ctx, "a"), r.Register(ctx, "b")
	if err := a.ClaimChannel("c1"); err != nil {
		t.Fatal(err)
	}
	if err := b.ClaimChannel("c1"); !errors.Is(err, ErrClaimed) {
		t.Fatalf("second claim: %v", err)
	}
	a.Close()
	a.Close()
	if got := gaugeValue(t, r.m.owners); got != 1 {
		t.Fatalf("owners gauge %v after closing one of two", got)
	}
	if !errors.Is(context.Cause(a.Context()), ErrOwnerClosed) {
		t.Fatalf("closed cause %v", context.Cause(a.Context()))
	}
	if err := b.ClaimChannel("c1"); err != nil {
		t.Fatalf("claim after close: %v", err)
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func gaugeValue(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}
