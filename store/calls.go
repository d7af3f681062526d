package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Call types.
const (
	// CallInternal: extension to extension.
	CallInternal = "internal"
	// CallInbound: from a trunk to the PBX.
	CallInbound = "inbound"
	// CallOutbound: from an extension out through a trunk.
	CallOutbound = "outbound"
	// CallSystem: made by the PBX itself to an extension (wakeup calls).
	CallSystem = "system"
)

// Dispositions of a call or a leg.
const (
	// DispAnswered: someone answered.
	DispAnswered = "answered"
	// DispNoAnswer: it rang out or the caller gave up.
	DispNoAnswer = "no_answer"
	// DispBusy: the target was busy (or in DND).
	DispBusy = "busy"
	// DispFailed: it could not be set up (or the PBX stopped mid-call).
	DispFailed = "failed"
)

// Call record states.
const (
	// CallOpen: the call is in progress.
	CallOpen = "open"
	// CallClosed: the call has ended and its record is final.
	CallClosed = "closed"
)

// Leg kinds: why a leg of a call exists.
const (
	// LegOriginal: the first attempt, caller to dialled number.
	LegOriginal = "original"
	// LegForward: a call forward (all, busy or no answer).
	LegForward = "forward"
	// LegFollowMe: a follow-me step.
	LegFollowMe = "followme"
	// LegPickup: a pickup by another extension.
	LegPickup = "pickup"
	// LegTransfer: a blind or attended transfer.
	LegTransfer = "transfer"
	// LegQueue: a queue agent being offered the call.
	LegQueue = "queue"
	// LegRingGroup: a ring group member being rung.
	LegRingGroup = "ringgroup"
	// LegVoicemail: the call went to a mailbox.
	LegVoicemail = "voicemail"
	// LegPark: the call was parked and retrieved or returned.
	LegPark = "park"
)

var legKinds = []string{LegOriginal, LegForward, LegFollowMe, LegPickup, LegTransfer, LegQueue, LegRingGroup, LegVoicemail, LegPark}

// CallRecord is the detail record of one call (SYS-CALLFLOW, P-CDR) with its
// legs and route decisions (X-TRACE).
type CallRecord struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// UID is the call core's id of the call, unique across restarts.
	UID string `gorm:"size:64;not null;uniqueIndex" json:"uid"`
	// Type is internal, inbound or outbound.
	Type string `gorm:"size:10;not null" json:"type"`
	// FromNumber is the caller (extension number or canonical external
	// number; empty when withheld).
	FromNumber string `gorm:"size:32;not null;default:''" json:"from"`
	// FromName is the caller's name as presented or found in the phonebook.
	FromName string `gorm:"size:100;not null;default:''" json:"from_name"`
	// ToNumber is what was dialled: extension, queue, canonical external
	// number, or a feature code such as *60#.
	ToNumber string `gorm:"size:32;not null" json:"to"`
	// StartedAt is when the call entered the PBX.
	StartedAt time.Time `gorm:"not null" json:"started_at"`
	// AnsweredAt is when the first leg was answered.
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	// EndedAt is when the call ended.
	EndedAt *time.Time `json:"ended_at,omitempty"`
	// DurationSec is the talk time (end minus answer), 0 if unanswered.
	DurationSec int `gorm:"not null" json:"duration_sec"`
	// Disposition is answered, no_answer, busy or failed (empty while open).
	Disposition string `gorm:"size:10;not null;default:''" json:"disposition"`
	// State is open or closed.
	State string `gorm:"size:6;not null;index" json:"state"`
	// RecordingRef names the recording of the call, if any.
	RecordingRef string `gorm:"size:512;not null;default:''" json:"recording_ref,omitempty"`
	// Legs are the call's legs in order.
	Legs []CallLeg `gorm:"foreignKey:CallID;constraint:OnDelete:CASCADE" json:"legs,omitempty"`
	// Trace is the ordered list of route decisions.
	Trace []TraceStep `gorm:"foreignKey:CallID;constraint:OnDelete:CASCADE" json:"trace,omitempty"`
}

// CallLeg is one attempt within a call: the original ring, a forward, a
// follow-me step, a pickup, a transfer …
type CallLeg struct {
	ID     uint64 `gorm:"primaryKey" json:"id"`
	CallID uint64 `gorm:"not null;index" json:"call_id"`
	// Seq orders the legs of a call from 1.
	Seq int `gorm:"not null" json:"seq"`
	// Kind says why the leg exists (LegOriginal, LegForward …).
	Kind string `gorm:"size:12;not null" json:"kind"`
	// FromNumber and ToNumber are the leg's parties.
	FromNumber string `gorm:"size:32;not null;default:''" json:"from"`
	// ToNumber is who the leg rang.
	ToNumber string `gorm:"size:32;not null" json:"to"`
	// FromExtension and ToExtension name the extensions among the parties
	// (empty for external parties); they make the call show in those
	// users' call logs.
	FromExtension string `gorm:"size:6;not null;default:''" json:"from_extension,omitempty"`
	// ToExtension is the called extension, if any.
	ToExtension string     `gorm:"size:6;not null;default:''" json:"to_extension,omitempty"`
	StartedAt   time.Time  `gorm:"not null" json:"started_at"`
	AnsweredAt  *time.Time `json:"answered_at,omitempty"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
	// Disposition of the leg; empty while it rings or talks.
	Disposition string `gorm:"size:10;not null;default:''" json:"disposition"`
}

// TraceStep is one route decision (X-TRACE): "blacklist", "dnd", "forward
// all → 0301234", "followme step 2" …
type TraceStep struct {
	ID     uint64    `gorm:"primaryKey" json:"-"`
	CallID uint64    `gorm:"not null;index:idx_trace_call_seq,priority:1" json:"-"`
	Seq    int       `gorm:"not null;index:idx_trace_call_seq,priority:2" json:"seq"`
	At     time.Time `gorm:"not null" json:"at"`
	// Step is the decision's short name (e.g. "forward_all").
	Step string `gorm:"size:32;not null" json:"step"`
	// Detail is free text for people ("to 4930123456 (external)").
	Detail string `gorm:"size:255;not null;default:''" json:"detail"`
}

func (c *CallRecord) validate() error {
	if c.StartedAt.IsZero() {
		return invalid("started_at", "is required")
	}
	return firstErr(
		checkText("uid", c.UID, 64, true),
		checkOneOf("type", c.Type, CallInternal, CallInbound, CallOutbound, CallSystem),
		checkOptPhone("from", c.FromNumber),
		checkText("from_name", c.FromName, MaxNameLen, false),
		checkDialled("to", c.ToNumber),
		checkText("recording_ref", c.RecordingRef, MaxPathLen, false),
	)
}

func (l *CallLeg) validate() error {
	if l.StartedAt.IsZero() {
		return invalid("leg.started_at", "is required")
	}
	var fe, te error
	if l.FromExtension != "" {
		fe = checkExtNumber("leg.from_extension", l.FromExtension)
	}
	if l.ToExtension != "" {
		te = checkExtNumber("leg.to_extension", l.ToExtension)
	}
	return firstErr(
		checkOneOf("leg.kind", l.Kind, legKinds...),
		checkOptPhone("leg.from", l.FromNumber),
		checkPhone("leg.to", l.ToNumber),
		fe, te,
	)
}

func (t *TraceStep) validate() error {
	return firstErr(
		checkText("trace.step", t.Step, 32, true),
		checkText("trace.detail", t.Detail, 255, false),
	)
}

func checkDisposition(d string) error {
	return checkOneOf("disposition", d, DispAnswered, DispNoAnswer, DispBusy, DispFailed)
}

// CallRepo stores call records.
type CallRepo struct{ s *Store }

// Open records a new call in state open, with the legs and trace steps it
// carries (Seq is assigned in order). Each extension named by a leg sees the
// call in its call log.
func (r *CallRepo) Open(ctx context.Context, c *CallRecord) error {
	if c == nil {
		return missing("CallRecord")
	}
	if err := c.validate(); err != nil {
		return fmt.Errorf("store: open call: %w", err)
	}
	for i := range c.Legs {
		if err := c.Legs[i].validate(); err != nil {
			return fmt.Errorf("store: open call: %w", err)
		}
	}
	for i := range c.Trace {
		if err := c.Trace[i].validate(); err != nil {
			return fmt.Errorf("store: open call: %w", err)
		}
	}
	c.State, c.Disposition, c.EndedAt, c.DurationSec = CallOpen, "", nil, 0
	c.StartedAt, c.AnsweredAt = utc(c.StartedAt), utcPtr(c.AnsweredAt)
	legs, trace := c.Legs, c.Trace
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		c.Legs, c.Trace = nil, nil
		err := insert(tx, "open call "+c.UID, c)
		c.Legs, c.Trace = legs, trace
		if err != nil {
			return err
		}
		for i := range c.Legs {
			if err := addLeg(tx, c, &c.Legs[i], i+1); err != nil {
				return err
			}
		}
		for i := range c.Trace {
			if err := addTrace(tx, c.ID, &c.Trace[i], i+1); err != nil {
				return err
			}
		}
		return nil
	})
}

func addLeg(tx *gorm.DB, c *CallRecord, l *CallLeg, seq int) error {
	l.ID, l.CallID, l.Seq = 0, c.ID, seq
	l.StartedAt, l.AnsweredAt, l.EndedAt = utc(l.StartedAt), utcPtr(l.AnsweredAt), utcPtr(l.EndedAt)
	if err := insert(tx, "add call leg", l); err != nil {
		return err
	}
	for _, ext := range []string{l.FromExtension, l.ToExtension} {
		if ext == "" {
			continue
		}
		var n int64
		if err := tx.Model(&CallLogEntry{}).Where("call_id = ? AND extension = ?", c.ID, ext).Count(&n).Error; err != nil {
			return wrap("add call party", err)
		}
		if n > 0 {
			continue
		}
		p := CallLogEntry{CallID: c.ID, Extension: ext, Type: c.Type, StartedAt: c.StartedAt, FromNumber: c.FromNumber,
			FromName: c.FromName, ToNumber: c.ToNumber, AnsweredAt: c.AnsweredAt}
		if err := insert(tx, "add call party", &p); err != nil {
			return err
		}
	}
	return nil
}

func addTrace(tx *gorm.DB, callID uint64, t *TraceStep, seq int) error {
	t.ID, t.CallID, t.Seq = 0, callID, seq
	t.At = utc(t.At)
	return insert(tx, "add trace step", t)
}

// openCall loads a call that must still be open.
func openCall(tx *gorm.DB, op string, callID uint64) (*CallRecord, error) {
	c, err := findOne[CallRecord](tx, op, "id = ?", callID)
	if err != nil {
		return nil, err
	}
	if c.State != CallOpen {
		return nil, fmt.Errorf("store: %s: call %d is closed: %w", op, callID, invalid("state", "call is closed"))
	}
	return c, nil
}

// AddLeg appends a leg to an open call; its Seq is the next free one.
func (r *CallRepo) AddLeg(ctx context.Context, callID uint64, l *CallLeg) error {
	if l == nil {
		return missing("CallLeg")
	}
	if err := l.validate(); err != nil {
		return fmt.Errorf("store: add call leg: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		c, err := openCall(tx, "add call leg", callID)
		if err != nil {
			return err
		}
		var maxSeq int
		if err := tx.Model(&CallLeg{}).Where("call_id = ?", callID).Select("COALESCE(MAX(seq), 0)").Scan(&maxSeq).Error; err != nil {
			return wrap("add call leg", err)
		}
		return addLeg(tx, c, l, maxSeq+1)
	})
}

// AnswerLeg marks a leg, and its call if not yet, answered at t.
func (r *CallRepo) AnswerLeg(ctx context.Context, legID uint64, t time.Time) error {
	t = utc(t)
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		l, err := findOne[CallLeg](tx, "answer leg", "id = ?", legID)
		if err != nil {
			return err
		}
		if _, err := openCall(tx, "answer leg", l.CallID); err != nil {
			return err
		}
		if err := tx.Model(&CallLeg{}).Where("id = ? AND answered_at IS NULL", legID).Update("answered_at", t).Error; err != nil {
			return wrap("answer leg", err)
		}
		if err := tx.Model(&CallRecord{}).Where("id = ? AND answered_at IS NULL", l.CallID).Update("answered_at", t).Error; err != nil {
			return wrap("answer call", err)
		}
		return wrap("answer call", tx.Model(&CallLogEntry{}).Where("call_id = ? AND answered_at IS NULL", l.CallID).Update("answered_at", t).Error)
	})
}

// EndLeg closes one leg with its disposition.
func (r *CallRepo) EndLeg(ctx context.Context, legID uint64, t time.Time, disposition string) error {
	if err := checkDisposition(disposition); err != nil {
		return fmt.Errorf("store: end leg: %w", err)
	}
	res := r.s.ctxDB(ctx).Model(&CallLeg{}).Where("id = ?", legID).
		Updates(map[string]any{"ended_at": utc(t), "disposition": disposition})
	if res.Error != nil {
		return wrap("end leg", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: end leg %d: %w", legID, ErrNotFound)
	}
	return nil
}

// AddTrace appends a route decision to an open call.
func (r *CallRepo) AddTrace(ctx context.Context, callID uint64, t *TraceStep) error {
	if t == nil {
		return missing("TraceStep")
	}
	if err := t.validate(); err != nil {
		return fmt.Errorf("store: add trace step: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		if _, err := openCall(tx, "add trace step", callID); err != nil {
			return err
		}
		var maxSeq int
		if err := tx.Model(&TraceStep{}).Where("call_id = ?", callID).Select("COALESCE(MAX(seq), 0)").Scan(&maxSeq).Error; err != nil {
			return wrap("add trace step", err)
		}
		return addTrace(tx, callID, t, maxSeq+1)
	})
}

// SetRecording stores the reference of the call's recording.
func (r *CallRepo) SetRecording(ctx context.Context, callID uint64, ref string) error {
	if err := checkText("recording_ref", ref, MaxPathLen, true); err != nil {
		return fmt.Errorf("store: set recording: %w", err)
	}
	res := r.s.ctxDB(ctx).Model(&CallRecord{}).Where("id = ?", callID).Update("recording_ref", ref)
	if res.Error != nil {
		return wrap("set recording", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: set recording %d: %w", callID, ErrNotFound)
	}
	return nil
}

// Close ends an open call at t with its disposition; the talk time is
// computed from the answer time, and legs still running end with it.
func (r *CallRepo) Close(ctx context.Context, callID uint64, t time.Time, disposition string) error {
	if err := checkDisposition(disposition); err != nil {
		return fmt.Errorf("store: close call: %w", err)
	}
	return r.s.tx(ctx, func(tx *gorm.DB) error {
		c, err := openCall(tx, "close call", callID)
		if err != nil {
			return err
		}
		return closeCall(tx, c, utc(t), disposition)
	})
}

func closeCall(tx *gorm.DB, c *CallRecord, t time.Time, disposition string) error {
	dur := 0
	if c.AnsweredAt != nil && t.After(*c.AnsweredAt) {
		dur = int(t.Sub(*c.AnsweredAt) / time.Second)
	}
	err := tx.Model(&CallRecord{}).Where("id = ?", c.ID).Updates(map[string]any{
		"ended_at": t, "disposition": disposition, "duration_sec": dur, "state": CallClosed,
	}).Error
	if err != nil {
		return wrap("close call", err)
	}
	err = tx.Model(&CallLogEntry{}).Where("call_id = ?", c.ID).Updates(map[string]any{
		"disposition": disposition, "duration_sec": dur,
	}).Error
	if err != nil {
		return wrap("close call log entries", err)
	}
	if err := tx.Model(&CallLeg{}).Where("call_id = ? AND ended_at IS NULL AND answered_at IS NOT NULL", c.ID).
		Updates(map[string]any{"ended_at": t, "disposition": DispAnswered}).Error; err != nil {
		return wrap("close call legs", err)
	}
	legDisp := disposition
	if legDisp == DispAnswered {
		legDisp = DispNoAnswer
	}
	return wrap("close call legs", tx.Model(&CallLeg{}).Where("call_id = ? AND ended_at IS NULL", c.ID).
		Updates(map[string]any{"ended_at": t, "disposition": legDisp}).Error)
}

// CloseDangling closes every call still open, as left by a crash: answered
// calls end as answered at now, the others as failed. It reports how many
// records it closed; call it once at start-up, before taking calls.
func (r *CallRepo) CloseDangling(ctx context.Context, now time.Time) (int, error) {
	now = utc(now)
	n := 0
	err := r.s.tx(ctx, func(tx *gorm.DB) error {
		var open []CallRecord
		if err := tx.Where("state = ?", CallOpen).Find(&open).Error; err != nil {
			return wrap("close dangling calls", err)
		}
		for i := range open {
			disp := DispFailed
			if open[i].AnsweredAt != nil {
				disp = DispAnswered
			}
			if err := closeCall(tx, &open[i], now, disp); err != nil {
				return err
			}
		}
		n = len(open)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		r.s.log.WarnContext(ctx, "closed call records left open", "count", n)
	}
	return n, nil
}

// Get loads a call with its legs and trace in order.
func (r *CallRepo) Get(ctx context.Context, id uint64) (*CallRecord, error) {
	return r.get(ctx, "id = ?", id)
}

// GetByUID loads a call by the call core's id.
func (r *CallRepo) GetByUID(ctx context.Context, uid string) (*CallRecord, error) {
	return r.get(ctx, "uid = ?", uid)
}

func (r *CallRepo) get(ctx context.Context, q string, arg any) (*CallRecord, error) {
	var c CallRecord
	err := r.s.ctxDB(ctx).
		Preload("Legs", func(db *gorm.DB) *gorm.DB { return db.Order("seq") }).
		Preload("Trace", func(db *gorm.DB) *gorm.DB { return db.Order("seq") }).
		Where(q, arg).Take(&c).Error
	if err != nil {
		return nil, wrap("get call", err)
	}
	return &c, nil
}
