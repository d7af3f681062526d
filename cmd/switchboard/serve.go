package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/portal"
	"github.com/switchboard-pbx/switchboard/provision"
)

// runServe runs the PBX until ctx ends (SIGTERM/SIGINT): it opens and
// migrates the store, seeds demo data on first start, keeps the Asterisk
// links checked (provisioning the extensions whenever ARI comes up), runs
// the Stasis application (call core and features) and serves the portal.
// On shutdown it drains HTTP, stops the links, stops the call core and
// writes the queued call records, stops the simulator (engine sim) and
// closes the database, in that order.
func runServe(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("serve")
	flags := config.RegisterFlags(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	c, err := a.loadConfig(flags)
	if err != nil {
		return err
	}
	log := c.log
	log.InfoContext(ctx, "switchboard starting", "version", version, "commit", commit,
		"data_dir", c.cfg.DataDir, "database", c.cfg.Database.Driver, "engine", c.cfg.Engine)

	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	closeStore := sync.OnceValue(st.Close)
	defer func() { _ = closeStore() }()
	if err := seedDemo(ctx, st, c.cfg.Numbering, a.stdout); err != nil {
		return err
	}

	v, err := startVoice(ctx, c.cfg, log)
	if err != nil {
		return err
	}
	stopVoice := sync.OnceFunc(func() {
		if v.stop != nil {
			v.stop()
		}
	})
	defer stopVoice()
	clk := clock.Real{}
	registry := portal.NewRegistry()
	ariMetrics := ari.NewMetrics()
	if err := registry.Register(ariMetrics); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	ariClient := ari.New(ari.Options{
		BaseURL: v.ariURL, Username: c.cfg.ARI.Username, Password: c.cfg.ARI.Password,
		Application: config.AppName,
		// the event stream logs every reconnection attempt; keep one line per change
		Logger: slog.New(newRepeatFilter(log.Handler())).With("component", "ari"),
	})
	ariLink := newLink("ari", v.ariURL, ariProbe(ariClient), clk, log)
	provisionAll := provisionOnConnect(st, provision.New(ariClient, provision.Options{Logger: log.With("component", "provision")}), log)
	ariLink.onUp = provisionAll
	links := []*link{ariLink, newLink("ami", v.amiAddr, amiProbe(v.amiAddr, v.amiUser, v.amiSecret), clk, log)}
	reporters := make(map[string]portal.LinkReporter, len(links))
	for _, l := range links {
		reporters[l.name] = l
	}

	callCore, err := newCalls(ctx, st, c.cfg, ariClient, ariMetrics, clk, log)
	if err != nil {
		return err
	}

	srv, err := portal.New(portal.Deps{
		HTTP: c.cfg.HTTP, Logger: log, Clock: clk, Database: st, Links: reporters, Version: version,
		Registry: registry,
	})
	if err != nil {
		return err
	}
	if err := srv.Listen(); err != nil {
		return err
	}

	linkCtx, stopLinks := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, l := range links {
		wg.Go(func() { l.run(linkCtx) })
	}
	wg.Go(func() {
		watchExtensions(linkCtx, st, clk, provisionWatchInterval,
			func() bool { return ariLink.LinkState().State == portal.StateConnected }, provisionAll, log)
	})
	callCore.start(ctx)
	serveErr := srv.Serve(ctx)
	stopLinks()
	wg.Wait()
	callsErr := callCore.stop()
	stopVoice()
	if serveErr != nil {
		return serveErr
	}
	if callsErr != nil {
		return callsErr
	}
	// Requests have drained, so no handler writes any more; closing waits
	// for the store's connections and flushes SQLite's WAL.
	if err := closeStore(); err != nil {
		return fmt.Errorf("close the database: %w", err)
	}
	log.Info("switchboard stopped")
	return nil
}
