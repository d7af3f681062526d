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
// INSERT each for the new records, legs, call-log entries and trace steps,
// and one UPDATE each for the changed records, call-log entries and legs.
// On SQLite each statement takes its rows as one JSON array (INSERT …
// SELECT and UPDATE … FROM json_each); on MySQL they are multi-row VALUES
// and CASE updates, and each new record is inserted alone for its id.
// Nothing is read back but the new records' ids.
//
// If the transaction fails, it is rolled back and every call is saved again
// in a transaction of its own, so a call that cannot be written fails alone:
// its Err is set, it is skipped from then on, and SaveLive reports it among
// the joined errors. The other calls' changes are kept. Calls without
// pending changes (or already failed), and repeats in calls, are skipped.
func (r *CallRepo) SaveLive(ctx context.Context, calls []*LiveCall) error {
	todo := make([]*LiveCall, 0, len(calls))
	seen := make(map[*LiveCall]bool, len(calls))
	for _, lc := range calls {
		if lc != nil && !seen[lc] && lc.Pending() {
			seen[lc] = true
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
	var fresh []any // rows of the calls without a record yet
	for i, lc := range w.calls {
		w.ids[i] = lc.saved.id
		if w.ids[i] == 0 {
			fresh = append(fresh, callRow(&lc.rec)...)
		}
	}
	if err := w.insertCalls(fresh); err != nil {
		return err
	}
	var ch liveChanges
	for i, lc := range w.calls {
		ch.collect(w.ids[i], lc)
	}
	for _, t := range []struct {
		table *liveTable
		rows  []any
		op    string
	}{
		{&legsInsert, ch.legs, "add call legs"},
		{&logsInsert, ch.logs, "add call parties"},
		{&traceInsert, ch.trace, "add trace steps"},
		{&callsUpdate, ch.callUpd, "update calls"},
		{&logsUpdate, ch.logUpd, "update call log entries"},
		{&legsUpdate, ch.legUpd, "update call legs"},
	} {
		if len(t.rows) == 0 {
			continue
		}
		var err error
		if w.sqlite {
			_, err = w.exec(t.op, t.table.jsonSQL, jsonRows(t.rows, len(t.table.cols)))
		} else {
			err = t.table.runMySQL(w, t.op, t.rows)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (w *liveWriter) exec(op, query string, args ...any) (sql.Result, error) {
	res, err := w.tx.ExecContext(w.ctx, query, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	return res, nil
}

// insertCalls writes the records of rows (callsInsert's columns) and notes
// their ids. SQLite takes them all in one INSERT … RETURNING; MySQL (which
// has no RETURNING) one INSERT each, for its LastInsertId.
func (w *liveWriter) insertCalls(rows []any) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(callsInsert.cols)
	byUID := map[string]int{}
	for i, lc := range w.calls {
		if w.ids[i] == 0 {
			byUID[lc.rec.UID] = i
		}
	}
	if !w.sqlite {
		for r := 0; r < len(rows); r += n {
			uid := rows[r].(string)
			res, err := w.exec("open call "+uid, callsInsert.valuesSQL(1), rows[r:r+n]...)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil || id <= 0 {
				return fmt.Errorf("store: open call %s: no record id: %w", uid, err)
			}
			w.ids[byUID[uid]] = uint64(id)
		}
		return nil
	}
	rs, err := w.tx.QueryContext(w.ctx, callsInsert.jsonSQL+" RETURNING id, uid", jsonRows(rows, n))
	if err != nil {
		return wrap("open calls", err)
	}
	defer rs.Close()
	for rs.Next() {
		var (
			id  uint64
			uid string
		)
		if err := rs.Scan(&id, &uid); err != nil {
			return wrap("open calls", err)
		}
		if i, ok := byUID[uid]; ok {
			w.ids[i] = id
		}
	}
	if err := rs.Err(); err != nil {
		return wrap("open calls", err)
	}
	for uid, i := range byUID {
		if w.ids[i] == 0 {
			return fmt.Errorf("store: open call %s: no record id returned", uid)
		}
	}
	return nil
}

// timeArg passes an optional time as NULL or its value.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}
