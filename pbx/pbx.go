// Package pbx assembles the Stasis application: the call core, the callflow
// router with every feature, the call records and the schedulers, over one
// ARI client and one store. The binary's serve command and the scenario
// tests build the same PBX through it.
package pbx

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
	"github.com/switchboard-pbx/switchboard/ari/feature/intercom"
	"github.com/switchboard-pbx/switchboard/ari/feature/records"
	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// Options configure the PBX.
type Options struct {
	// Store is the open, migrated store (required).
	Store *store.Store
	// Client talks to Asterisk (required).
	Client *ari.Client
	// Plan is the numbering plan's configuration (dialplan.DefaultConfig()
	// when zero).
	Plan dialplan.Config
	// Clock is the time source (clock.Real when nil).
	Clock clock.Clock
	// Logger is the base logger (slog.Default() when nil).
	Logger *slog.Logger
	// Metrics is shared with /metrics (optional).
	Metrics *ari.Metrics
	// Stream configures the event WebSocket (optional). Its event filter is
	// ari.CallAppDisallowed unless Stream.Disallowed is set.
	Stream ari.StreamOptions
	// Trunk is the PJSIP endpoint of the outbound trunk ("" for none).
	Trunk string
	// RecordingDir is Asterisk's recording folder as this process sees it
	// (voicemail messages are read from there).
	RecordingDir string
	// SMTP sends voicemail notifications (nil: none).
	SMTP *voicemail.SMTP
}

// PBX is the running Stasis application.
type PBX struct {
	engine  *core.Engine
	records *records.Recorder
	vm      *voicemail.Service
	wakeups *wakeup.Scheduler
	log     *slog.Logger
	plan    *dialplan.Plan
	client  *ari.Client
	exts    *store.ExtensionRepo
}

// New builds the PBX; Run starts it.
func New(ctx context.Context, o Options) (*PBX, error) {
	if o.Store == nil || o.Client == nil {
		return nil, errors.New("pbx: a store and an ARI client are required")
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Stream.Disallowed == nil {
		o.Stream.Disallowed = ari.CallAppDisallowed
	}
	pc := o.Plan
	if pc.OutboundPrefix == "" && pc.Extensions == (dialplan.Range{}) {
		pc = dialplan.DefaultConfig()
	}
	plan, err := dialplan.New(pc)
	if err != nil {
		return nil, fmt.Errorf("pbx: numbering plan: %w", err)
	}
	// Records left open by a crash are closed before new calls start.
	if n, err := o.Store.Calls.CloseDangling(ctx, o.Clock.Now()); err != nil {
		return nil, fmt.Errorf("pbx: close dangling call records: %w", err)
	} else if n > 0 {
		o.Logger.InfoContext(ctx, "closed call records left open by an earlier run", "records", n)
	}
	settings, err := o.Store.Settings.Get(ctx)
	if err != nil {
		return nil, fmt.Errorf("pbx: system settings: %w", err)
	}
	vm, err := voicemail.New(voicemail.Options{
		Messages:     o.Store.Voicemail,
		Passwords:    voicemail.ExtensionPasswords{Repo: o.Store.Extensions},
		SMTP:         o.SMTP,
		RecordingDir: o.RecordingDir,
		Logger:       o.Logger.With("feature", "voicemail"),
	})
	if err != nil {
		return nil, fmt.Errorf("pbx: voicemail: %w", err)
	}
	env := &feature.Env{
		Directory: feature.StoreDirectory{Store: o.Store},
		Store:     o.Store,
		Plan:      plan,
		Clock:     o.Clock,
		Log:       o.Logger,
		Trunk:     o.Trunk,
		RingTime:  time.Duration(settings.RingTimeoutSec) * time.Second,
		Voicemail: vm,
	}
	router := callflow.NewRouter(env)
	dnd.Register(router)
	forward.Register(router)
	blacklist.Register(router)
	intercom.Register(router)
	vm.Register(router)
	announce.Register(router, func(ctx context.Context) (string, string) {
		s, err := o.Store.Settings.Get(ctx)
		if err != nil {
			return "", ""
		}
		return s.WANAddress, s.LANAddress
	})
	// The scheduler waits for the engine, made below, to be connected.
	var eng *core.Engine
	sched, err := wakeup.NewScheduler(wakeup.Options{Store: o.Store.Wakeups, Client: o.Client, Clock: o.Clock,
		Zone: func(ctx context.Context) *time.Location {
			s, err := o.Store.Settings.Get(ctx)
			if err != nil || s.TimeZone == "" {
				return nil
			}
			loc, err := time.LoadLocation(s.TimeZone)
			if err != nil {
				return nil
			}
			return loc
		},
		App: o.Client.Application(), Logger: o.Logger.With("feature", "wakeup"),
		Presence: env.Presence,
		Ready:    func() <-chan struct{} { return eng.Ready() }})
	if err != nil {
		return nil, fmt.Errorf("pbx: wakeup calls: %w", err)
	}
	wakeup.Register(router, sched)
	rec := records.New(o.Store.Calls, o.Logger)
	eng = core.New(core.Options{Client: o.Client, Clock: o.Clock, Logger: o.Logger,
		Handler: router, Observer: rec, Metrics: o.Metrics, Stream: o.Stream,
		Tagged: map[string]core.Handler{wakeup.Tag: sched.Handler()}})
	return &PBX{engine: eng, records: rec, vm: vm, wakeups: sched, log: o.Logger, plan: plan,
		client: o.Client, exts: o.Store.Extensions}, nil
}

// Engine is the call core.
func (p *PBX) Engine() *core.Engine { return p.engine }

// Plan is the numbering plan in force.
func (p *PBX) Plan() *dialplan.Plan { return p.plan }

// ActiveCalls reports how many calls run.
func (p *PBX) ActiveCalls() int { return p.engine.Active() }

// Run serves calls until ctx ends, then waits for the calls' clean-up, the
// voicemail work in flight and the queued call records.
func (p *PBX) Run(ctx context.Context) error {
	schedDone := make(chan error, 1)
	go func() { schedDone <- p.wakeups.Run(ctx) }()
	go p.reconcileLamps(ctx)
	err := p.engine.Run(ctx)
	if serr := <-schedDone; serr != nil && !errors.Is(serr, context.Canceled) {
		p.log.Warn("wakeup scheduler stopped", "err", serr)
	}
	if werr := p.vm.Wait(context.WithoutCancel(ctx)); werr != nil {
		p.log.Warn("voicemail work left unfinished", "err", werr)
	}
	p.records.Close()
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("pbx: %w", err)
	}
	return nil
}

// reconcileLamps sets every message-waiting lamp from the store once the
// engine is connected: messages may have been heard, deleted or left (and
// mailboxes turned off) while the app was away.
func (p *PBX) reconcileLamps(ctx context.Context) {
	select {
	case <-p.engine.Ready():
	case <-ctx.Done():
		return
	}
	boxes, err := voicemail.EnabledMailboxes(ctx, p.exts)
	if err == nil {
		err = p.vm.ReconcileMWI(ctx, p.client, boxes)
	}
	if err != nil && ctx.Err() == nil {
		p.log.WarnContext(ctx, "message-waiting lamps not reconciled", "feature", "voicemail", "err", err)
	}
}
