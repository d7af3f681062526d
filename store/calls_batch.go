package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SaveLive writes what changed in calls since their last save, all in one
// transaction with a few statements whatever the number of calls: one
// multi-row INSERT each for the new records (one per record on MySQL), legs,
// call-log entries and trace steps, and one UPDATE each (CASE per row) for
// the changed records, call-log entries and legs. Nothing is read back but
// the new records' ids.
//
// If the transaction fails, it is rolled back and every call is saved again
// in a transaction of its own, so a call that cannot be written fails alone:
// its Err is set, it is skipped from then on, and SaveLive reports it among
// the joined errors. The other calls' changes are kept. Calls without
// pending changes (or already failed) are skipped.
func (r *CallRepo) SaveLive(ctx context.Context, calls []*LiveCall) error {
	todo := make([]*LiveCall, 0, len(calls))
	for _, lc := range calls {
		if lc != nil && lc.Pending() {
			todo = append(todo, lc)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	sqlDB, err := r.s.db.DB()
	if err != nil {
		return fmt.Errorf("store: save calls: %w", err)
	}
	sqlite := r.s.driver == DriverSQLite
	err = saveLiveTx(ctx, sqlDB, sqlite, todo)
	if err == nil || ctx.Err() != nil {
		return err
	}
	var errs []error
	for _, lc := range todo {
		if err := saveLiveTx(ctx, sqlDB, sqlite, []*LiveCall{lc}); err != nil {
			if ctx.Err() != nil {
				return err
			}
			lc.err = fmt.Errorf("store: save call %s: %w", lc.rec.UID, errors.Unwrap(err))
			errs = append(errs, lc.err)
		}
	}
	return errors.Join(errs...)
}

// saveLiveTx writes the calls' changes in one transaction and, once it has
// committed, marks them saved. On failure nothing of the calls changes, so
// they can be written again.
func saveLiveTx(ctx context.Context, db *sql.DB, sqlite bool, calls []*LiveCall) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save calls: %w", wrap("begin", err))
	}
	w := liveWriter{ctx: ctx, tx: tx, sqlite: sqlite, calls: calls, ids: make([]uint64, len(calls))}
	if err := w.write(); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("store: save calls: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: save calls: %w", wrap("commit", err))
	}
	for i, lc := range calls {
		lc.markSaved(w.ids[i])
	}
	return nil
}

// markSaved records that the database now holds the wanted state.
func (lc *LiveCall) markSaved(id uint64) {
	s := &lc.saved
	s.id, s.head, s.trace, s.exts = id, lc.head(), len(lc.rec.Trace), len(lc.exts)
	s.legs = s.legs[:0]
	for i := range lc.rec.Legs {
		s.legs = append(s.legs, legOf(&lc.rec.Legs[i]))
	}
}

// liveWriter writes one transaction's worth of LiveCall changes.
type liveWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	calls []*LiveCall
	ids   []uint64 // record ids, known or inserted in this transaction
	// sqlite selects INSERT … RETURNING for new records.
	sqlite bool
}

func (w *liveWriter) write() error {
	var fresh []int // calls without a record yet, by index
	for i, lc := range w.calls {
		w.ids[i] = lc.saved.id
		if w.ids[i] == 0 {
			fresh = append(fresh, i)
		}
	}
	if err := w.insertCalls(fresh); err != nil {
		return err
	}
	if err := w.insertLegs(); err != nil {
		return err
	}
	if err := w.insertLogEntries(); err != nil {
		return err
	}
	if err := w.insertTrace(); err != nil {
		return err
	}
	return w.updateCalls()
}

func (w *liveWriter) exec(op, query string, args ...any) (sql.Result, error) {
	res, err := w.tx.ExecContext(w.ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	return res, nil
}

func (w *liveWriter) insertLegs() error {
	rows := newMultiInsert("call_legs", "call_id, seq, kind, from_number, to_number, from_extension, "+
		"to_extension, started_at, answered_at, ended_at, disposition", 11)
	for i, lc := range w.calls {
		for j := len(lc.saved.legs); j < len(lc.rec.Legs); j++ {
			l := &lc.rec.Legs[j]
			rows.add(w.ids[i], l.Seq, l.Kind, l.FromNumber, l.ToNumber, l.FromExtension, l.ToExtension,
				l.StartedAt, timeArg(l.AnsweredAt), timeArg(l.EndedAt), l.Disposition)
		}
	}
	return rows.run(w, "add call legs")
}

func (w *liveWriter) insertLogEntries() error {
	rows := newMultiInsert("call_log_entries", "extension, started_at, call_id, `type`, from_number, from_name, "+
		"to_number, answered_at, duration_sec, disposition", 10)
	for i, lc := range w.calls {
		c := &lc.rec
		for _, ext := range lc.exts[lc.saved.exts:] {
			rows.add(ext, c.StartedAt, w.ids[i], c.Type, c.FromNumber, c.FromName, c.ToNumber,
				timeArg(c.AnsweredAt), c.DurationSec, c.Disposition)
		}
	}
	return rows.run(w, "add call parties")
}

func (w *liveWriter) insertTrace() error {
	rows := newMultiInsert("trace_steps", "call_id, seq, `at`, step, detail", 5)
	for i, lc := range w.calls {
		for _, t := range lc.rec.Trace[lc.saved.trace:] {
			rows.add(w.ids[i], t.Seq, t.At, t.Step, t.Detail)
		}
	}
	return rows.run(w, "add trace steps")
}

// timeArg passes an optional time as NULL or its value.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
