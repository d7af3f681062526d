// Package records writes one call detail record per call (SYS-CALLFLOW,
// P-CDR, X-TRACE) as the call progresses: the record is opened once the call
// is routed (an inbound call's once its callee is rung, so that the record
// names the caller as the callee saw it), its legs and route decisions are
// added as they happen, and it is closed when the call ends. A crash leaves an open record, which
// store.CallRepo.CloseDangling closes on the next start.
//
// Changes leave the call's goroutine at once: one writer goroutine applies
// them in order to an in-memory store.LiveCall per call and saves the calls
// a batch of changes touched together (store.CallRepo.SaveLive), so a slow
// disk delays records, never calls, and a busy PBX writes fewer, larger
// transactions.
package records

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// Recorder is a core.Observer that keeps call records in the store.
type Recorder struct {
	calls *store.CallRepo
	log   *slog.Logger
	clock clock.Clock
	ops   chan op
	done  chan struct{}

	mu    sync.Mutex
	state map[string]*callState // by call id; touched only on call goroutines
	close sync.Once

	dirty []*record // the writer's scratch list of calls changed by a batch
	lives []*store.LiveCall
}

// callState is a call as the call's goroutine has passed it to the writer.
type callState struct {
	rec      *record
	opened   bool
	legs     map[string]*legState // by attempt key (tag|target)
	order    []string
	traces   int
	answered bool
}

type legState struct {
	idx      int // the attempt's index in order, 0 for the original
	answered bool
}

// record is a call as the writer goroutine keeps it: the live record and
// the store's Seq of every attempt, by index.
type record struct {
	uid    string
	live   *store.LiveCall // nil until opened, and after a failure
	seqs   []int           // 0 where the store refused the leg
	queued bool            // in the writer's dirty list
}

// seq is the store's Seq of the attempt at idx, 0 if it has none.
func (rc *record) seq(idx int) int {
	if idx < len(rc.seqs) {
		return rc.seqs[idx]
	}
	return 0
}

// Option changes how New builds a Recorder.
type Option func(*Recorder)

// WithClock times the writer's gathering of changes (see Linger) on c
// instead of the wall clock.
func WithClock(c clock.Clock) Option { return func(r *Recorder) { r.clock = c } }

// New starts a Recorder writing through calls; Close stops it.
func New(calls *store.CallRepo, log *slog.Logger, opts ...Option) *Recorder {
	r := newRecorder(calls, log)
	for _, o := range opts {
		o(r)
	}
	go r.run()
	return r
}

func newRecorder(calls *store.CallRepo, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.Default()
	}
	return &Recorder{calls: calls, log: log.With("component", "call-records"), clock: clock.Real{},
		ops: make(chan op, 4096), done: make(chan struct{}), state: map[string]*callState{}}
}

// op is one queued change of a call's record, applied in memory by the
// writer goroutine.
type op struct {
	rec   *record
	apply func(ctx context.Context, rc *record)
}

// maxBatch bounds how many queued changes one save gathers.
const maxBatch = 512

// Linger is how long the writer gathers changes after the first one before
// it saves them (unless maxBatch fill up first): a record is at most that
// late, and a busy PBX saves the changes of several calls per transaction,
// whose fixed cost (commit, compiling statements: the SQLite driver
// compiles each statement at every execution) was most of the work. At 70
// calls/s through a real Asterisk, 5 ms saved about one call's change per
// transaction and the writer took a quarter of the app's CPU; 50 ms cut the
// app's CPU a call from 6.4–6.8 ms to 4.6–5.3 (integration/bench/README.md).
const Linger = 50 * time.Millisecond

// run applies the queued changes in order, all that arrive within Linger
// of the first (up to maxBatch), then saves every call they touched
// together: the changes a call made meanwhile cost one write, and all the
// calls one transaction. The store replays a failed transaction call by
// call, so a call that cannot be written is lost alone.
func (r *Recorder) run() {
	defer close(r.done)
	ctx := context.Background()
	batch := make([]op, 0, maxBatch)
	for first := range r.ops {
		batch = append(batch[:0], first)
		due := r.clock.NewTimer(Linger)
	fill:
		for len(batch) < maxBatch {
			select {
			case o, ok := <-r.ops:
				if !ok {
					break fill // Close: save what is there now
				}
				batch = append(batch, o)
			case <-due.C():
				break fill
			}
		}
		due.Stop()
		r.write(ctx, batch)
	}
}

// write applies a batch of changes and saves the calls they touched.
func (r *Recorder) write(ctx context.Context, batch []op) {
	r.dirty, r.lives = r.dirty[:0], r.lives[:0]
	for _, o := range batch {
		o.apply(ctx, o.rec)
		if o.rec.live != nil && !o.rec.queued {
			o.rec.queued = true
			r.dirty = append(r.dirty, o.rec)
			r.lives = append(r.lives, o.rec.live)
		}
	}
	err := r.calls.SaveLive(ctx, r.lives)
	failed := 0
	for i, rc := range r.dirty {
		rc.queued = false
		if err := rc.live.Err(); err != nil {
			failed++
			r.log.ErrorContext(ctx, "cannot save call record; its further changes are dropped", "call_id", rc.uid, "err", err)
			rc.live = nil
		}
		r.dirty[i], r.lives[i] = nil, nil
	}
	if err != nil && failed == 0 {
		// Nothing was written; the calls stay pending for their next change.
		r.log.ErrorContext(ctx, "cannot save call records", "calls", len(r.dirty), "err", err)
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
		if !ready(kind, s) {
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

// ready reports whether the call's record can be opened now. Annotations
// arrive one by one while routing; the record opens at the first decision,
// leg or end, once the call is routed. An inbound call's caller is recorded
// under the name its callee is shown (the phonebook's, set on the leg that
// rings the extension), so its record waits for that leg, or for the call
// to be decided without one: a disposition, the caller answered (voicemail,
// prompts), or the end.
func ready(kind core.ObsKind, s core.Snapshot) bool {
	if kind == core.ObsStarted || !routed(s) {
		return false
	}
	if s.Values["type"] != store.CallInbound {
		return kind != core.ObsState
	}
	return kind == core.ObsFinished || calleeLeg(s) != nil || s.Values["disposition"] != "" ||
		(len(s.Legs) > 0 && !s.Legs[0].Answered.IsZero())
}

// calleeLeg is the first leg that rang an extension, nil if none did.
func calleeLeg(s core.Snapshot) *core.Leg {
	for i := 1; i < len(s.Legs); i++ {
		if l := &s.Legs[i]; l.Tag != "outbound" && len(l.Target) <= 6 && validNumber(l.Target) {
			return l
		}
	}
	return nil
}

// callerName is the caller's name as the record keeps it: the annotation
// "from_name" when a feature set one (a call the PBX makes itself, such as
// a wakeup call); for an inbound call, the name the callee was shown when
// one was (the phonebook wins over the provider's name there, see
// callflow); else the name the caller presented.
func callerName(s core.Snapshot) string {
	name := s.CallerName
	if n := s.Values["from_name"]; n != "" {
		name = n
	} else if s.Values["type"] == store.CallInbound {
		if l := calleeLeg(s); l != nil && l.Channel.Connected.Name != "" {
			name = l.Channel.Connected.Name
		}
	}
	return truncate(name, store.MaxNameLen)
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

func (r *Recorder) enqueue(st *callState, apply func(ctx context.Context, rc *record)) {
	r.ops <- op{rec: st.rec, apply: apply}
}

func (r *Recorder) open(st *callState, s core.Snapshot) {
	st.opened = true
	st.rec = &record{uid: s.ID}
	from := s.Values["from"]
	if !validNumber(from) {
		from = ""
	}
	rec := store.CallRecord{UID: s.ID, Type: s.Values["type"], FromNumber: from, FromName: callerName(s),
		ToNumber: s.Values["to"], StartedAt: started(s)}
	// The original attempt makes the call show in the caller's and the
	// callee's call logs even when no leg was ever rung (DND, blacklist).
	rec.Legs = []store.CallLeg{{Kind: store.LegOriginal, FromNumber: from, ToNumber: s.Values["to"],
		FromExtension: s.Values["from_ext"], ToExtension: s.Values["to_ext"], StartedAt: rec.StartedAt}}
	key := "original|" + s.Values["to"]
	st.legs[key] = &legState{idx: 0}
	st.order = append(st.order, key)
	r.enqueue(st, func(ctx context.Context, rc *record) {
		live, err := store.NewLiveCall(rec)
		if err != nil {
			r.log.ErrorContext(ctx, "cannot open call record", "call_id", rc.uid, "err", err)
			return
		}
		rc.live, rc.seqs = live, []int{1}
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
			ls = &legState{idx: len(st.order)}
			st.legs[key] = ls
			st.order = append(st.order, key)
			leg := store.CallLeg{Kind: kind, FromNumber: validOr(s.Values["from"]), ToNumber: l.Target,
				FromExtension: s.Values["from_ext"], StartedAt: l.Created}
			if l.Tag != "outbound" && len(l.Target) <= 6 {
				leg.ToExtension = l.Target
			}
			r.enqueue(st, func(ctx context.Context, rc *record) {
				seq := 0
				if rc.live != nil {
					var err error
					if seq, err = rc.live.AddLeg(leg); err != nil {
						r.log.ErrorContext(ctx, "cannot add call leg", "call_id", rc.uid, "err", err)
					}
				}
				rc.seqs = append(rc.seqs, seq)
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
				idx := x.idx
				r.enqueue(st, func(ctx context.Context, rc *record) {
					if rc.live == nil || rc.seq(idx) == 0 {
						return
					}
					if err := rc.live.AnswerLeg(rc.seq(idx), at); err != nil && !errors.Is(err, store.ErrInvalid) {
						r.log.ErrorContext(ctx, "cannot mark leg answered", "call_id", rc.uid, "err", err)
					}
				})
			}
		}
	}
}

func (r *Recorder) traces(st *callState, s core.Snapshot) {
	for ; st.traces < len(s.Trace); st.traces++ {
		t := s.Trace[st.traces]
		step := store.TraceStep{At: t.At, Step: truncate(t.Step, 32), Detail: truncate(t.Detail, 255)}
		r.enqueue(st, func(ctx context.Context, rc *record) {
			if rc.live == nil {
				return
			}
			if err := rc.live.AddTrace(step); err != nil {
				r.log.ErrorContext(ctx, "cannot add trace step", "call_id", rc.uid, "err", err)
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
	ends := make([]string, len(st.order))
	for i, key := range st.order {
		ls, d := st.legs[key], store.DispNoAnswer
		switch {
		case ls.answered:
			d = store.DispAnswered
		case causes[key] == 17:
			d = store.DispBusy
		case i == 0:
			d = disp
		}
		ends[i] = d
	}
	r.enqueue(st, func(ctx context.Context, rc *record) {
		if rc.live == nil {
			return
		}
		for i, d := range ends {
			if seq := rc.seq(i); seq != 0 {
				if err := rc.live.EndLeg(seq, end, d); err != nil {
					r.log.ErrorContext(ctx, "cannot end call leg", "call_id", rc.uid, "err", err)
				}
			}
		}
		if err := rc.live.Close(end, disp); err != nil {
			r.log.ErrorContext(ctx, "cannot close call record", "call_id", rc.uid, "err", err)
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

// truncate cuts s to at most n bytes, on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
