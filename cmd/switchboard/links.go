package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/portal"
)

// Link timings: the first retry comes quickly, later ones back off to
// maxBackoff; a connected link is re-checked every recheckInterval.
const (
	minBackoff      = 500 * time.Millisecond
	maxBackoff      = 30 * time.Second
	recheckInterval = 10 * time.Second
	probeTimeout    = 5 * time.Second
)

// probeFunc checks a link once. instance identifies the running Asterisk
// (its start time); a change means Asterisk restarted between two probes.
type probeFunc func(ctx context.Context) (instance string, err error)

// link keeps one connection to Asterisk (ARI or AMI) checked: it probes,
// retries with jittered exponential backoff while Asterisk is unreachable,
// logs one line per state change, reports its state to /healthz, and runs
// onUp whenever it finds a new Asterisk (first contact, reconnect, restart).
type link struct {
	name   string
	target string
	probe  probeFunc
	clock  clock.Clock
	log    *slog.Logger
	// onUp runs after every (re)connection to a new Asterisk instance, e.g.
	// to provision the extensions again; on failure it is retried on the
	// next probe. Optional.
	onUp func(ctx context.Context) error

	mu sync.Mutex
	st portal.LinkState
}

func newLink(name, target string, probe probeFunc, clk clock.Clock, log *slog.Logger) *link {
	return &link{
		name: name, target: target, probe: probe, clock: clk,
		log: log.With("component", "asterisk", "link", name),
		st:  portal.LinkState{State: portal.StateConnecting, Target: target, Since: clk.Now().UTC()},
	}
}

// LinkState implements portal.LinkReporter.
func (l *link) LinkState() portal.LinkState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st
}

// run probes until ctx ends.
func (l *link) run(ctx context.Context) {
	backoff := minBackoff
	synced, lastInstance := false, ""
	for {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		instance, err := l.probe(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		wait := recheckInterval
		if err != nil {
			l.set(ctx, portal.StateDisconnected, err)
			synced = false
			wait = jitter(backoff)
			backoff = min(backoff*2, maxBackoff)
		} else {
			l.set(ctx, portal.StateConnected, nil)
			backoff = minBackoff
			if synced && instance != lastInstance {
				l.log.WarnContext(ctx, "asterisk restarted since the last check", "target", l.target)
				synced = false
			}
			lastInstance = instance
			if !synced && l.onUp != nil {
				if err := l.onUp(ctx); err != nil {
					l.log.ErrorContext(ctx, "after connecting to asterisk; retrying on the next check", "error", err)
				} else {
					synced = true
				}
			}
		}
		if l.clock.Sleep(ctx, wait) != nil {
			return
		}
	}
}

// set records a probe result and logs only when the state changes.
func (l *link) set(ctx context.Context, state string, err error) {
	l.mu.Lock()
	changed := l.st.State != state
	if changed {
		l.st.State, l.st.Since = state, l.clock.Now().UTC()
	}
	if err != nil {
		l.st.LastError = err.Error()
	}
	l.mu.Unlock()
	if !changed {
		return
	}
	if state == portal.StateConnected {
		l.log.InfoContext(ctx, "asterisk link connected", "target", l.target)
		return
	}
	l.log.WarnContext(ctx, "asterisk link unreachable; retrying with backoff (calls cannot be handled until it connects)",
		"target", l.target, "error", err)
}

// jitter spreads retries over [d/2, d) so that restarts do not retry in step.
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}
