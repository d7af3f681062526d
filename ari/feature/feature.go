// Package feature is the contract between the call core and the feature
// packages below it (one folder per feature: callflow, forward, dnd,
// blacklist, voicemail, …). A feature is a Handler for a route kind or a
// feature code; it runs on the call's goroutine with straight-line code
// through the core's primitives, and reads and writes what it needs through
// the Directory.
package feature

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// ErrUnknownExtension is returned by a Directory for a number that is no
// extension.
var ErrUnknownExtension = errors.New("feature: no such extension")

// Request is one call handed to a feature.
type Request struct {
	// Call is the call, owned by the goroutine running the feature.
	Call *core.Call
	// Route is where the dialled string goes.
	Route dialplan.Route
	// Caller is the calling extension; nil for calls from the trunk.
	Caller *store.Extension
	// CallerNumber is the caller in canonical form (extension number, or
	// E.164/national external number; "" when withheld).
	CallerNumber string
}

// External reports whether the caller is outside the PBX.
func (r *Request) External() bool { return r.Caller == nil }

// Handler runs one feature for a call.
type Handler interface {
	Handle(ctx context.Context, env *Env, req *Request) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, env *Env, req *Request) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, env *Env, req *Request) error {
	return f(ctx, env, req)
}

// Forward is one call-forward target (P-FWD): a number and an on/off.
type Forward struct {
	// Number is the target as dialled (extension, or prefix + external).
	Number string
	// On tells whether the forward is active.
	On bool
}

// ForwardKind names one of the three independent targets.
type ForwardKind string

// The forward kinds.
const (
	ForwardAll      ForwardKind = "all"
	ForwardBusy     ForwardKind = "busy"
	ForwardNoAnswer ForwardKind = "noanswer"
)

// Forwards are an extension's three forward targets.
type Forwards struct {
	All, Busy, NoAnswer Forward
}

// FollowStep is one entry of a follow-me list.
type FollowStep struct {
	// Number is dialled as the extension itself would dial it.
	Number string
	// Ring is how long it rings.
	Ring time.Duration
}

// FollowMe is an extension's follow-me setting (P-FOLLOWME).
type FollowMe struct {
	// On tells whether follow-me replaces forward on no answer.
	On bool
	// OwnRing is how long the extension itself rings first (default 30 s).
	OwnRing time.Duration
	// Steps are tried in order.
	Steps []FollowStep
}

// Directory is what call features read and write about extensions and their
// settings. The store implements it (see StoreDirectory).
type Directory interface {
	// Extension returns the extension with number, or ErrUnknownExtension.
	Extension(ctx context.Context, number string) (*store.Extension, error)
	// Forwards returns the extension's forward targets.
	Forwards(ctx context.Context, number string) (Forwards, error)
	// SetForward sets one forward target.
	SetForward(ctx context.Context, number string, kind ForwardKind, f Forward) error
	// SetDND switches do-not-disturb.
	SetDND(ctx context.Context, number string, on bool) error
	// FollowMe returns the extension's follow-me setting.
	FollowMe(ctx context.Context, number string) (FollowMe, error)
	// Blacklisted reports whether a canonical external number is blacklisted.
	Blacklisted(ctx context.Context, number string) (bool, error)
	// Blacklist adds a canonical external number; by is the extension that asked.
	Blacklist(ctx context.Context, number, by string) error
	// Unblacklist removes a canonical external number.
	Unblacklist(ctx context.Context, number string) error
	// LastExternalCaller is the last external number that called ext ("" if none).
	LastExternalCaller(ctx context.Context, ext string) (string, error)
	// ContactName is the phonebook name of a canonical number as seen by
	// extension ext (company or ext's personal contacts), "" if unknown.
	ContactName(ctx context.Context, number, ext string) (string, error)
	// InboundRoute maps a DID to a dialled string of the plan ("" if none).
	InboundRoute(ctx context.Context, did string) (string, error)
}

// Voicemail takes messages for a mailbox; the voicemail feature implements it.
type Voicemail interface {
	// Deposit answers the call, plays the mailbox's greeting for reason
	// ("busy" or "unavailable") and records a message.
	Deposit(ctx context.Context, env *Env, req *Request, mailbox string, reason string) error
}

// Env is everything features share.
type Env struct {
	// Directory reads and writes extension settings.
	Directory Directory
	// Store is the store, for what the Directory does not cover.
	Store *store.Store
	// Plan is the numbering plan.
	Plan *dialplan.Plan
	// Clock is the engine's clock.
	Clock clock.Clock
	// Log is the base logger.
	Log *slog.Logger
	// Trunk is the PJSIP endpoint of the outbound trunk ("" for none).
	Trunk string
	// RingTime is how long an extension rings (default 30 s).
	RingTime time.Duration
	// Voicemail takes messages (nil: no voicemail).
	Voicemail Voicemail
	// Presence tracks which extensions are in a call.
	Presence *Presence
}

// Logger returns the call's logger with the feature's name.
func (e *Env) Logger(req *Request, name string) *slog.Logger {
	return req.Call.Log().With("feature", name)
}

// Confirm answers the caller, plays media (a confirmation) and hangs up: the
// ending of every feature code that only changes a setting.
func Confirm(ctx context.Context, req *Request, media ...string) error {
	c := req.Call
	if err := c.Answer(ctx); err != nil {
		return err
	}
	if err := c.Play(ctx, c.Caller, media...); err != nil {
		return err
	}
	return c.Hangup(ctx, c.Caller, "normal")
}
