package main

import (
	"context"
	"log/slog"
	"sync"
)

// repeatFilter is a slog.Handler that drops a record whose message is the
// same as the previous record's: a connection that keeps failing then
// writes one line per state change instead of one per retry. The next
// different line carries how many were dropped. Loggers derived with With
// share the filter.
type repeatFilter struct {
	next  slog.Handler
	state *repeatState
}

type repeatState struct {
	mu      sync.Mutex
	last    string
	dropped int
}

func newRepeatFilter(next slog.Handler) *repeatFilter {
	return &repeatFilter{next: next, state: &repeatState{}}
}

// Enabled implements slog.Handler.
func (f *repeatFilter) Enabled(ctx context.Context, l slog.Level) bool { return f.next.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (f *repeatFilter) Handle(ctx context.Context, r slog.Record) error {
	f.state.mu.Lock()
	if r.Message == f.state.last {
		f.state.dropped++
		f.state.mu.Unlock()
		return nil
	}
	dropped := f.state.dropped
	f.state.last, f.state.dropped = r.Message, 0
	f.state.mu.Unlock()
	if dropped > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("previous_line_repeated", dropped))
	}
	return f.next.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (f *repeatFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return &repeatFilter{next: f.next.WithAttrs(as), state: f.state}
}

// WithGroup implements slog.Handler.
func (f *repeatFilter) WithGroup(name string) slog.Handler {
	return &repeatFilter{next: f.next.WithGroup(name), state: f.state}
}
