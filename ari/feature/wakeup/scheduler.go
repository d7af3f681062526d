package wakeup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// Tag is the core.Options.Tagged key of wakeup calls: the scheduler
// creates each attempt's anchor channel with appArgs
// "wakeup,<wakeup id>:<extension>".
const Tag = "wakeup"

// Defaults of Options.
const (
	DefaultRingTimeout = 45 * time.Second
	DefaultMaxLate     = 30 * time.Minute
	DefaultRescan      = time.Minute
	DefaultPoll        = time.Second
	// CallerID is what every ringing device of the woken extension shows.
	CallerID     = `"` + callerName + `" <` + callerNumber + `>`
	callerName   = "Wakeup"
	callerNumber = "*55"
	// Retries is how often an unanswered wakeup is tried again (FEATURES.md:
	// one retry), RetryEvery how long after the attempt.
	Retries    = 1
	RetryEvery = 5 * time.Minute
)

// Sentinel errors of the package.
var (
	// ErrConfig is returned by NewScheduler for missing options.
	ErrConfig = errors.New("wakeup: incomplete options")
	// ErrBadID is returned by the handler for a wakeup channel whose
	// argument is no wakeup id.
	ErrBadID = errors.New("wakeup: bad wakeup id")
)

// Store is what the scheduler needs of the wakeup repository
// (store.WakeupRepo implements it).
type Store interface {
	// Create schedules a wakeup.
	Create(ctx context.Context, w *store.WakeupCall) error
	// ListScheduled lists an extension's pending wakeups, earliest first.
	ListScheduled(ctx context.Context, extension string) ([]store.WakeupCall, error)
	// Due lists pending wakeups at or before now, earliest first.
	Due(ctx context.Context, now time.Time) ([]store.WakeupCall, error)
	// RecordAttempt notes an attempt made at now: done when answered, else
	// rescheduled after RetryEverySec or failed.
	RecordAttempt(ctx context.Context, id uint64, now time.Time, answered bool) (*store.WakeupCall, error)
	// CancelAll cancels an extension's pending wakeups.
	CancelAll(ctx context.Context, extension string) (int, error)
}

// Options configure a Scheduler.
type Options struct {
	// Store holds the wakeup calls (required).
	Store Store
	// Client originates the calls (required).
	Client *ari.Client
	// Clock is the time source (default clock.Real).
	Clock clock.Clock
	// Location is the system's time zone: MMDDHHMM and spoken times are
	// wall-clock times there (default time.Local).
	Location *time.Location
	// Zone, when set, is asked for the time zone each time one is needed
	// (the system settings, which the portal may change) and overrides
	// Location; nil from it means Location.
	Zone func(ctx context.Context) *time.Location
	// App is the Stasis application (default "switchboard").
	App string
	// Logger is the base logger (default slog.Default()).
	Logger *slog.Logger
	// RingTimeout is how long a wakeup call rings (default 45 s).
	RingTimeout time.Duration
	// MaxLate: a wakeup found overdue by more than this (the app was down
	// at its time) is marked failed instead of ringing (default 30 min).
	MaxLate time.Duration
	// Rescan: the store is re-read at least this often, for wakeups added
	// elsewhere (portal, REST) without Changed (default 1 min).
	Rescan time.Duration
	// Poll is how often a running attempt's anchor channel is checked
	// (default 1 s).
	Poll time.Duration
	// Presence, when set, is the call flow's tracker of extensions in a
	// call (feature.Env.Presence): an extension it reports busy is not rung,
	// and a woken extension counts as in a call while the message plays.
	// Without it, busy is judged from the channels of the extension's
	// endpoints alone.
	Presence *feature.Presence
	// Ready, when set, gives the channel the engine closes once it is
	// connected and its first resync is done (core.Engine.Ready): Run starts
	// no attempt before, so that an attempt's anchor is neither created
	// while the app is not registered nor taken for a leftover by the
	// resync. Without it, such an attempt is simply started again (see
	// restartPause).
	Ready func() <-chan struct{}
}

// Scheduler rings extensions at their wakeup times. Run drives it; Handler
// runs each attempt's call; Register serves the codes.
type Scheduler struct {
	o       Options
	log     *slog.Logger
	changed chan struct{}

	mu       sync.Mutex
	inFlight map[uint64]string // wakeup id -> anchor channel id of the running attempt
	begun    map[string]bool   // anchor channel ids whose call the Handler began
	wg       sync.WaitGroup
}

// NewScheduler checks the options and builds a Scheduler.
func NewScheduler(o Options) (*Scheduler, error) {
	if o.Store == nil || o.Client == nil {
		return nil, fmt.Errorf("%w: Store and Client are required", ErrConfig)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.App == "" {
		o.App = "switchboard"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.RingTimeout <= 0 {
		o.RingTimeout = DefaultRingTimeout
	}
	if o.MaxLate <= 0 {
		o.MaxLate = DefaultMaxLate
	}
	if o.Rescan <= 0 {
		o.Rescan = DefaultRescan
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	return &Scheduler{o: o, log: o.Logger.With("feature", "wakeup"), changed: make(chan struct{}, 1),
		inFlight: map[uint64]string{}, begun: map[string]bool{}}, nil
}

// zone is the time zone wakeup times are read and spoken in.
func (s *Scheduler) zone(ctx context.Context) *time.Location {
	if s.o.Zone != nil {
		if loc := s.o.Zone(ctx); loc != nil {
			return loc
		}
	}
	return s.o.Location
}

// Changed tells Run that wakeups were added or cancelled, so that it
// re-reads the store now.
func (s *Scheduler) Changed() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// Run rings due wakeups until ctx ends, then waits for the attempts it
// started to finish watching. On start it picks up what the store holds:
// wakeups overdue by at most MaxLate ring at once, older ones are marked
// failed (nobody wants a 07:00 wakeup at 11:00).
func (s *Scheduler) Run(ctx context.Context) error {
	defer s.wg.Wait()
	if s.o.Ready != nil {
		select {
		case <-s.o.Ready():
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		wait := s.o.Rescan
		next, err := s.fire(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "cannot read wakeups; retrying", "err", err, "in", wait)
		}
		if !next.IsZero() {
			wait = min(wait, next.Sub(s.o.Clock.Now()))
		}
		if wait <= 0 && ctx.Err() == nil {
			continue // the next one fell due meanwhile
		}
		timer := s.o.Clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C():
		case <-s.changed:
			timer.Stop()
		}
	}
}

// fire starts an attempt for every due wakeup not already ringing and
// returns the time of the next one within Rescan (zero if none).
func (s *Scheduler) fire(ctx context.Context) (time.Time, error) {
	now := s.o.Clock.Now()
	due, err := s.o.Store.Due(ctx, now)
	if err != nil {
		return time.Time{}, fmt.Errorf("wakeup: due: %w", err)
	}
	for _, w := range due {
		if s.ringing(w.ID) {
			continue
		}
		if late := now.Sub(w.At); late > s.o.MaxLate {
			s.miss(ctx, w, late)
			continue
		}
		s.start(ctx, w)
	}
	soon, err := s.o.Store.Due(ctx, now.Add(s.o.Rescan))
	if err != nil {
		return time.Time{}, fmt.Errorf("wakeup: upcoming: %w", err)
	}
	for _, w := range soon {
		if w.At.After(now) {
			return w.At, nil
		}
	}
	return time.Time{}, nil
}

func (s *Scheduler) ringing(id uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.inFlight[id]
	return ok
}

// miss gives up a wakeup whose time passed while nobody could ring it.
func (s *Scheduler) miss(ctx context.Context, w store.WakeupCall, late time.Duration) {
	s.log.WarnContext(ctx, "wakeup missed (the app was not running at its time): marking it failed",
		"wakeup", w.ID, "extension", w.Extension, "at", w.At.In(s.zone(ctx)), "late", late)
	for range w.MaxRetries + 1 - w.Attempts {
		got, err := s.o.Store.RecordAttempt(ctx, w.ID, s.o.Clock.Now(), false)
		if err != nil {
			s.log.WarnContext(ctx, "cannot mark missed wakeup", "wakeup", w.ID, "err", err)
			return
		}
		if got.State != store.WakeupScheduled {
			return
		}
	}
}
