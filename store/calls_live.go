package store

import (
	"fmt"
	"time"
)

// LiveCall is a call record kept in memory by the one writer of a call in
// progress and saved with CallRepo.SaveLive as it changes. Its methods follow
// the rules of CallRepo's Open, AddLeg, AnswerLeg, EndLeg, AddTrace and Close
// (same validation, same resulting record); SaveLive writes only what changed
// since the last save, so a call whose changes meet in one save costs a
// handful of statements. Legs are addressed by their Seq (from 1). A
// LiveCall is not safe for concurrent use.
type LiveCall struct {
	rec  CallRecord // the wanted state; rec.Legs and rec.Trace only grow
	exts []string   // extensions with a call-log entry, in order of appearance
	// saved is what the database holds; written only after a commit.
	saved liveSaved
	// err is why a save failed; the call is not written any more.
	err error
}

// liveSaved is the part of a LiveCall the database is known to hold.
type liveSaved struct {
	id    uint64
	head  liveHead
	legs  []liveLeg // the first len(legs) legs, as stored
	trace int       // the first trace steps stored
	exts  int       // the first call-log entries stored
}

// liveHead is the changing part of a call record and its call-log entries.
type liveHead struct {
	answeredAt, endedAt *time.Time
	duration            int
	disposition, state  string
}

// liveLeg is the changing part of a leg.
type liveLeg struct {
	answeredAt, endedAt *time.Time
	disposition         string
}

// NewLiveCall starts a record in state open, like CallRepo.Open, with the
// legs and trace steps c carries (their Seq is assigned in order). Nothing
// is written until SaveLive; c is copied.
func NewLiveCall(c CallRecord) (*LiveCall, error) {
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("store: open call: %w", err)
	}
	legs, trace := c.Legs, c.Trace
	c.ID, c.Legs, c.Trace = 0, nil, nil
	c.State, c.Disposition, c.EndedAt, c.DurationSec = CallOpen, "", nil, 0
	c.StartedAt, c.AnsweredAt = utc(c.StartedAt), utcPtr(c.AnsweredAt)
	lc := &LiveCall{rec: c}
	for i := range legs {
		if err := legs[i].validate(); err != nil {
			return nil, fmt.Errorf("store: open call: %w", err)
		}
	}
	for i := range trace {
		if err := trace[i].validate(); err != nil {
			return nil, fmt.Errorf("store: open call: %w", err)
		}
	}
	for _, l := range legs {
		lc.appendLeg(l)
	}
	for _, t := range trace {
		lc.appendTrace(t)
	}
	return lc, nil
}

// UID is the call core's id of the call.
func (lc *LiveCall) UID() string { return lc.rec.UID }

// ID is the record's id once a save has written it, 0 before.
func (lc *LiveCall) ID() uint64 { return lc.saved.id }

// Err reports why the record could not be saved; once set, SaveLive skips
// the call (its record stays as last saved, open records are closed by
// CloseDangling on the next start).
func (lc *LiveCall) Err() error { return lc.err }

// Pending reports whether the call has changes SaveLive has not written.
func (lc *LiveCall) Pending() bool {
	s := &lc.saved
	if lc.err != nil {
		return false
	}
	if s.id == 0 || s.trace < len(lc.rec.Trace) || s.exts < len(lc.exts) || s.head != lc.head() {
		return true
	}
	if len(s.legs) < len(lc.rec.Legs) {
		return true
	}
	for i := range s.legs {
		if s.legs[i] != legOf(&lc.rec.Legs[i]) {
			return true
		}
	}
	return false
}

// Closed reports whether Close was called.
func (lc *LiveCall) Closed() bool { return lc.rec.State == CallClosed }

// AddLeg appends a leg, like CallRepo.AddLeg, and returns its Seq.
func (lc *LiveCall) AddLeg(l CallLeg) (int, error) {
	if err := l.validate(); err != nil {
		return 0, fmt.Errorf("store: add call leg: %w", err)
	}
	if err := lc.checkOpen("add call leg"); err != nil {
		return 0, err
	}
	return lc.appendLeg(l), nil
}

func (lc *LiveCall) appendLeg(l CallLeg) int {
	l.ID, l.CallID, l.Seq = 0, 0, len(lc.rec.Legs)+1
	l.StartedAt, l.AnsweredAt, l.EndedAt = utc(l.StartedAt), utcPtr(l.AnsweredAt), utcPtr(l.EndedAt)
	lc.rec.Legs = append(lc.rec.Legs, l)
	for _, ext := range []string{l.FromExtension, l.ToExtension} {
		if ext != "" && !lc.hasExt(ext) {
			lc.exts = append(lc.exts, ext)
		}
	}
	return l.Seq
}

func (lc *LiveCall) hasExt(ext string) bool {
	for _, e := range lc.exts {
		if e == ext {
			return true
		}
	}
	return false
}

// AddTrace appends a route decision, like CallRepo.AddTrace.
func (lc *LiveCall) AddTrace(t TraceStep) error {
	if err := t.validate(); err != nil {
		return fmt.Errorf("store: add trace step: %w", err)
	}
	if err := lc.checkOpen("add trace step"); err != nil {
		return err
	}
	lc.appendTrace(t)
	return nil
}

func (lc *LiveCall) appendTrace(t TraceStep) {
	t.ID, t.CallID, t.Seq, t.At = 0, 0, len(lc.rec.Trace)+1, utc(t.At)
	lc.rec.Trace = append(lc.rec.Trace, t)
}

// AnswerLeg marks leg seq, and the call if not yet, answered at t, like
// CallRepo.AnswerLeg.
func (lc *LiveCall) AnswerLeg(seq int, t time.Time) error {
	l, err := lc.leg("answer leg", seq)
	if err != nil {
		return err
	}
	if err := lc.checkOpen("answer leg"); err != nil {
		return err
	}
	t = utc(t)
	if l.AnsweredAt == nil {
		l.AnsweredAt = &t
	}
	if lc.rec.AnsweredAt == nil {
		lc.rec.AnsweredAt = &t
	}
	return nil
}

// EndLeg closes leg seq with its disposition, like CallRepo.EndLeg.
func (lc *LiveCall) EndLeg(seq int, t time.Time, disposition string) error {
	if err := checkDisposition(disposition); err != nil {
		return fmt.Errorf("store: end leg: %w", err)
	}
	l, err := lc.leg("end leg", seq)
	if err != nil {
		return err
	}
	t = utc(t)
	l.EndedAt, l.Disposition = &t, disposition
	return nil
}

// Close ends the call at t with its disposition, like CallRepo.Close: the
// talk time is computed from the answer time, and legs still running end
// with it.
func (lc *LiveCall) Close(t time.Time, disposition string) error {
	if err := checkDisposition(disposition); err != nil {
		return fmt.Errorf("store: close call: %w", err)
	}
	if err := lc.checkOpen("close call"); err != nil {
		return err
	}
	t = utc(t)
	c := &lc.rec
	c.DurationSec = 0
	if c.AnsweredAt != nil && t.After(*c.AnsweredAt) {
		c.DurationSec = int(t.Sub(*c.AnsweredAt) / time.Second)
	}
	c.EndedAt, c.Disposition, c.State = &t, disposition, CallClosed
	legDisp := disposition
	if legDisp == DispAnswered {
		legDisp = DispNoAnswer
	}
	for i := range c.Legs {
		l := &c.Legs[i]
		if l.EndedAt != nil {
			continue
		}
		l.EndedAt, l.Disposition = &t, legDisp
		if l.AnsweredAt != nil {
			l.Disposition = DispAnswered
		}
	}
	return nil
}

func (lc *LiveCall) checkOpen(op string) error {
	if lc.rec.State != CallOpen {
		return fmt.Errorf("store: %s: call %s is closed: %w", op, lc.rec.UID, invalid("state", "call is closed"))
	}
	return nil
}

func (lc *LiveCall) leg(op string, seq int) (*CallLeg, error) {
	if seq < 1 || seq > len(lc.rec.Legs) {
		return nil, fmt.Errorf("store: %s: call %s has no leg %d: %w", op, lc.rec.UID, seq, ErrNotFound)
	}
	return &lc.rec.Legs[seq-1], nil
}

// head is the changing part of the wanted record.
func (lc *LiveCall) head() liveHead {
	c := &lc.rec
	return liveHead{answeredAt: c.AnsweredAt, endedAt: c.EndedAt, duration: c.DurationSec,
		disposition: c.Disposition, state: c.State}
}

func legOf(l *CallLeg) liveLeg {
	return liveLeg{answeredAt: l.AnsweredAt, endedAt: l.EndedAt, disposition: l.Disposition}
}
