// Package records writes one call detail record per call (SYS-CALLFLOW,
// P-CDR, X-TRACE) as the call progresses: the record is opened once the call
// is routed, its legs and route decisions are added as they happen, and it
// is closed when the call ends. A crash leaves an open record, which
// store.CallRepo.CloseDangling closes on the next start.
//
// Writes leave the call's goroutine at once: one writer goroutine applies
// them in order, so a slow disk delays records, never calls.
package records

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/store"
)

// Recorder is a core.Observer that keeps call records in the store.
type Recorder struct {
	calls *store.CallRepo
	log   *slog.Logger
	ops   chan op
	done  chan struct{}

	mu    sync.Mutex
	state map[string]*callState // by call id; touched only on call goroutines
	close sync.Once
}

type callState struct {
	recID    uint64
	opened   bool
	failed   bool
	legs     map[string]*legState // by attempt key (tag|target)
	order    []string
	traces   int
	answered bool
}

type legState struct {
	id       uint64
	kind     string
	answered bool
}

// New starts a Recorder writing through calls; Close stops it.
func New(calls *store.CallRepo, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.Default()
	}
	r := &Recorder{calls: calls, log: log.With("component", "call-records"),
		ops: make(chan op, 4096), done: make(chan struct{}), state: map[string]*callState{}}
	go r.run()
	return r
}

// op is one queued write; it runs inside a batch with the batch's repo.
type op func(ctx context.Context, calls *store.CallRepo)

// maxBatch bounds how many queued writes share one transaction.
const maxBatch = 512

// run applies the queued writes in order, as many as are waiting (up to
// maxBatch) in one transaction: one commit for many small writes. A write
// that fails rolls back alone (savepoint) and is logged by its op.
func (r *Recorder) run() {
	defer close(r.done)
	ctx := context.Background()
	batch := make([]op, 0, maxBatch)
	for first := range r.ops {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case o, ok := <-r.ops:
				if !ok {
					break fill
				}
				batch = append(batch, o)
			default:
				break fill
			}
		}
		err := r.calls.Batch(ctx, func(tx *store.CallRepo) error {
			for _, o := range batch {
				o(ctx, tx)
			}
			return nil
		})
		if err != nil {
			r.log.ErrorContext(ctx, "call records batch failed", "writes", len(batch), "err", err)
		}
	}
}

// Close writes what is queued and stops the writer.
func (r *Recorder) Close() {
	r.close.Do(func() { close(r.ops) })
	<-r.done
}

// CallChanged implements core.Observer.
func (r *Recorder) CallChanged(_ context.Context, kind core.ObsKind, s core.Snapshot) {
	r.mu.Lock()
	st := r.state[s.ID]
	if st == nil {
		st = &callState{legs: map[string]*legState{}}
		r.state[s.ID] = st
	}
	if kind == core.ObsFinished {
		delete(r.state, s.ID)
	}
	r.mu.Unlock()
	if !st.opened {
		// Annotations arrive one by one while routing; the record opens at
		// the first decision, leg or end, once the call is routed.
		if kind == core.ObsStarted || kind == core.ObsState || !routed(s) {
			return
		}
		r.open(st, s)
	}
	r.legs(st, s)
	r.traces(st, s)
	if kind == core.ObsFinished {
		r.finish(st, s)
	}
}

// routed reports whether the call is known well enough to be recorded.
func routed(s core.Snapshot) bool {
	return s.Values["type"] != "" && validNumber(s.Values["to"])
}

func validNumber(n string) bool {
	n = strings.TrimPrefix(n, "+")
	if n == "" || len(n) > 24 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}

func (r *Recorder) enqueue(o op) { r.ops <- o }

func (r *Recorder) open(st *callState, s core.Snapshot) {
	st.opened = true
	from := s.Values["from"]
	if !validNumber(from) {
		from = ""
	}
	rec := &store.CallRecord{UID: s.ID, Type: s.Values["type"], FromNumber: from, FromName: s.CallerName,
		ToNumber: s.Values["to"], StartedAt: started(s)}
	// The original attempt makes the call show in the caller's and the
	// callee's call logs even when no leg was ever rung (DND, blacklist).
	rec.Legs = []store.CallLeg{{Kind: store.LegOriginal, FromNumber: from, ToNumber: s.Values["to"],
		FromExtension: s.Values["from_ext"], ToExtension: s.Values["to_ext"], StartedAt: rec.StartedAt}}
	key := "original|" + s.Values["to"]
	ls := &legState{kind: store.LegOriginal}
	st.legs[key] = ls
	st.order = append(st.order, key)
	r.enqueue(func(ctx context.Context, calls *store.CallRepo) {
		if err := calls.Open(ctx, rec); err != nil {
			st.failed = true
			r.log.ErrorContext(ctx, "cannot open call record", "call_id", s.ID, "err", err)
			return
		}
		st.recID = rec.ID
		ls.id = rec.Legs[0].ID
	})
}

// legs adds an attempt for every new (tag, target) and marks answers.
func (r *Recorder) legs(st *callState, s core.Snapshot) {
	for _, l := range s.Legs[1:] {
		if l.Target == "" {
			continue
		}
		kind := legKind(l.Tag)
		key := kind + "|" + l.Target
		ls := st.legs[key]
		if ls == nil {
			if !validNumber(l.Target) {
				continue
			}
			ls = &legState{kind: kind}
			st.legs[key] = ls
			st.order = append(st.order, key)
			leg := &store.CallLeg{Kind: kind, FromNumber: validOr(s.Values["from"]), ToNumber: l.Target,
				FromExtension: s.Values["from_ext"], StartedAt: l.Created}
			if l.Tag != "outbound" && len(l.Target) <= 6 {
				leg.ToExtension = l.Target
			}
			r.enqueue(func(ctx context.Context, calls *store.CallRepo) {
				if st.failed || st.recID == 0 {
					return
				}
				if err := calls.AddLeg(ctx, st.recID, leg); err != nil {
					r.log.ErrorContext(ctx, "cannot add call leg", "call_id", s.ID, "err", err)
					return
				}
				ls.id = leg.ID
			})
		}
		if !l.Answered.IsZero() && !ls.answered {
			ls.answered, st.answered = true, true
			at := l.Answered
			targets := []*legState{ls}
			if orig := st.legs[st.order[0]]; orig != ls && !orig.answered {
				// the original attempt counts as answered too (the call
				// was answered), once
				targets = append(targets, orig)
			}
			for _, x := range targets {
				x.answered = true
				r.enqueue(func(ctx context.Context, calls *store.CallRepo) {
					if st.failed || x.id == 0 {
						return
					}
					if err := calls.AnswerLeg(ctx, x.id, at); err != nil && !errors.Is(err, store.ErrInvalid) {
						r.log.ErrorContext(ctx, "cannot mark leg answered", "call_id", s.ID, "err", err)
					}
				})
			}
		}
	}
}

func (r *Recorder) traces(st *callState, s core.Snapshot) {
	for ; st.traces < len(s.Trace); st.traces++ {
		t := s.Trace[st.traces]
		step := &store.TraceStep{At: t.At, Step: truncate(t.Step, 32), Detail: truncate(t.Detail, 255)}
		r.enqueue(func(ctx context.Context, calls *store.CallRepo) {
			if st.failed || st.recID == 0 {
				return
			}
			if err := calls.AddTrace(ctx, st.recID, step); err != nil {
				r.log.ErrorContext(ctx, "cannot add trace step", "call_id", s.ID, "err", err)
			}
		})
	}
}

func (r *Recorder) finish(st *callState, s core.Snapshot) {
	end := s.At
	for _, l := range s.Legs {
		if l.Ended.After(end) {
			end = l.Ended
		}
	}
	disp := s.Values["disposition"]
	if disp == "" {
		disp = store.DispNoAnswer
		if st.answered {
			disp = store.DispAnswered
		}
	}
	causes := map[string]int{}
	for _, l := range s.Legs[1:] {
		key := legKind(l.Tag) + "|" + l.Target
		if l.Cause != 0 && l.Cause != 26 {
			causes[key] = l.Cause
		}
	}
	for _, key := range st.order {
		ls, d := st.legs[key], store.DispNoAnswer
		switch {
		case ls.answered:
			d = store.DispAnswered
		case causes[key] == 17:
			d = store.DispBusy
		case key == st.order[0]:
			d = disp
		}
		r.enqueue(func(ctx context.Context, calls *store.CallRepo) {
			if st.failed || ls.id == 0 {
				return
			}
			if err := calls.EndLeg(ctx, ls.id, end, d); err != nil && !errors.Is(err, store.ErrInvalid) {
				r.log.ErrorContext(ctx, "cannot end call leg", "call_id", s.ID, "err", err)
			}
		})
	}
	r.enqueue(func(ctx context.Context, calls *store.CallRepo) {
		if st.failed || st.recID == 0 {
			return
		}
		if err := calls.Close(ctx, st.recID, end, disp); err != nil {
			r.log.ErrorContext(ctx, "cannot close call record", "call_id", s.ID, "err", err)
		}
	})
}

func legKind(tag string) string {
	switch tag {
	case store.LegForward, store.LegFollowMe, store.LegPickup, store.LegTransfer, store.LegQueue,
		store.LegRingGroup, store.LegVoicemail, store.LegPark:
		return tag
	}
	return store.LegOriginal
}

func started(s core.Snapshot) time.Time {
	if len(s.Legs) > 0 && !s.Legs[0].Created.IsZero() {
		return s.Legs[0].Created
	}
	return s.At
}

func validOr(n string) string {
	if validNumber(n) {
		return n
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
