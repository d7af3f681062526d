package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/pbx"
	"github.com/switchboard-pbx/switchboard/store"
)

// calls is the Stasis application (package pbx): the call core's event
// stream and one goroutine per call, routed through the numbering plan to
// the features, with a call record per call written to the store.
type calls struct {
	pbx    *pbx.PBX
	log    *slog.Logger
	done   chan error
	cancel context.CancelFunc
}

// newCalls assembles the PBX from the configuration and the store's system
// settings (SMTP for voicemail e-mail, the first trunk for outbound calls).
func newCalls(ctx context.Context, st *store.Store, cfg config.Config, client *ari.Client,
	metrics *ari.Metrics, clk clock.Clock, log *slog.Logger) (*calls, error) {
	settings, err := st.Settings.Get(ctx)
	if err != nil {
		return nil, fmt.Errorf("system settings: %w", err)
	}
	var smtp *voicemail.SMTP
	if settings.SMTPHost != "" {
		smtp = &voicemail.SMTP{Host: settings.SMTPHost, Port: settings.SMTPPort, From: settings.SMTPFrom,
			Username: settings.SMTPUsername, Password: settings.SMTPPassword}
	}
	trunk := ""
	if trunks, err := st.Trunks.List(ctx); err == nil && len(trunks) > 0 {
		trunk = trunks[0].Name
	}
	p, err := pbx.New(ctx, pbx.Options{
		Store: st, Client: client, Plan: planConfig(cfg.Numbering), Clock: clk, Logger: log,
		Metrics: metrics, Trunk: trunk, SMTP: smtp,
		RecordingDir: filepath.Join(cfg.Asterisk.SpoolDir, "recording"),
	})
	if err != nil {
		return nil, err
	}
	return &calls{pbx: p, log: log, done: make(chan error, 1)}, nil
}

// start runs the Stasis application in the background. It stops on stop,
// not on ctx: calls must outlive the HTTP drain.
func (c *calls) start(ctx context.Context) {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	go func() { c.done <- c.pbx.Run(runCtx) }()
}

// stop ends the event stream, waits for the call goroutines' clean-up and
// then for the call records still queued to be written.
func (c *calls) stop() error {
	c.cancel()
	err := <-c.done
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("call core: %w", err)
	}
	c.log.Info("call core stopped; call records written")
	return nil
}
