package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/announce"
	"github.com/switchboard-pbx/switchboard/ari/feature/blacklist"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/ari/feature/dnd"
	"github.com/switchboard-pbx/switchboard/ari/feature/forward"
	"github.com/switchboard-pbx/switchboard/ari/feature/records"
	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// calls is the Stasis application: the call core's event stream and one
// goroutine per call, routed through the numbering plan to the features,
// with a call record per call written to the store.
type calls struct {
	engine  *core.Engine
	records *records.Recorder
	log     *slog.Logger
	done    chan error
	cancel  context.CancelFunc
}

// newCalls assembles the call core with every feature that is ready.
func newCalls(ctx context.Context, st *store.Store, cfg config.Config, client *ari.Client,
	metrics *ari.Metrics, clk clock.Clock, log *slog.Logger) (*calls, error) {
	plan, err := dialplan.New(planConfig(cfg.Numbering))
	if err != nil {
		return nil, fmt.Errorf("numbering plan: %w", err)
	}
	settings, err := st.Settings.Get(ctx)
	if err != nil {
		return nil, fmt.Errorf("system settings: %w", err)
	}
	env := &feature.Env{
		Directory: feature.StoreDirectory{Store: st},
		Store:     st,
		Plan:      plan,
		Clock:     clk,
		Log:       log,
		RingTime:  time.Duration(settings.RingTimeoutSec) * time.Second,
	}
	router := callflow.NewRouter(env)
	dnd.Register(router)
	forward.Register(router)
	blacklist.Register(router)
	announce.Register(router, func(ctx context.Context) (string, string) {
		s, err := st.Settings.Get(ctx)
		if err != nil {
			return "", ""
		}
		return s.WANAddress, s.LANAddress
	})
	rec := records.New(st.Calls, log)
	eng := core.New(core.Options{
		Client: client, Clock: clk, Logger: log, Handler: router, Observer: rec, Metrics: metrics,
	})
	return &calls{engine: eng, records: rec, log: log, done: make(chan error, 1)}, nil
}

// start runs the Stasis application in the background. It stops on stop,
// not on ctx: calls must outlive the HTTP drain.
func (c *calls) start(ctx context.Context) {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	go func() { c.done <- c.engine.Run(runCtx) }()
}

// stop ends the event stream, waits for the call goroutines' clean-up and
// then for the call records still queued to be written.
func (c *calls) stop() error {
	c.cancel()
	err := <-c.done
	c.records.Close()
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("call core: %w", err)
	}
	c.log.Info("call core stopped; call records written")
	return nil
}
