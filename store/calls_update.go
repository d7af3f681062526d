package store

import (
	"fmt"
)

const callColumns = "uid, `type`, from_number, from_name, to_number, started_at, answered_at, ended_at, " +
	"duration_sec, disposition, state, recording_ref"

func callRow(c *CallRecord) []any {
	return []any{c.UID, c.Type, c.FromNumber, c.FromName, c.ToNumber, c.StartedAt, timeArg(c.AnsweredAt),
		timeArg(c.EndedAt), c.DurationSec, c.Disposition, c.State, c.RecordingRef}
}

// insertCalls writes the records of the calls at the indexes fresh and
// notes their ids. SQLite takes them all in one INSERT … RETURNING; MySQL
// (which has no RETURNING) one INSERT each, for its LastInsertId.
func (w *liveWriter) insertCalls(fresh []int) error {
	if len(fresh) == 0 {
		return nil
	}
	if !w.sqlite {
		for _, i := range fresh {
			c := &w.calls[i].rec
			res, err := w.exec("open call "+c.UID, "INSERT INTO call_records ("+callColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", callRow(c)...)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil || id <= 0 {
				return fmt.Errorf("store: open call %s: no record id: %w", c.UID, err)
			}
			w.ids[i] = uint64(id)
		}
		return nil
	}
	rows := newMultiInsert("call_records", callColumns, 12)
	rows.tail = " RETURNING id, uid"
	byUID := make(map[string]int, len(fresh))
	for _, i := range fresh {
		c := &w.calls[i].rec
		rows.add(callRow(c)...)
		byUID[c.UID] = i
	}
	err := rows.each(func(q string, args []any) error {
		rs, err := w.tx.QueryContext(w.ctx, q, args...)
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
		return wrap("open calls", rs.Err())
	})
	if err != nil {
		return err
	}
	for _, i := range fresh {
		if w.ids[i] == 0 {
			return fmt.Errorf("store: open call %s: no record id returned", w.calls[i].rec.UID)
		}
	}
	return nil
}

// updateCalls writes the changes of the calls stored before this
// transaction: their records, their call-log entries and their legs, each
// table in one statement (per caseUpdateRows rows) for all the calls.
func (w *liveWriter) updateCalls() error {
	recs := caseUpdate{table: "call_records", match: "id = ?", scope: "id",
		cols: []string{"answered_at", "ended_at", "duration_sec", "disposition", "state"}}
	logs := caseUpdate{table: "call_log_entries", match: "call_id = ?", scope: "call_id",
		cols: []string{"answered_at", "duration_sec", "disposition"}}
	legs := caseUpdate{table: "call_legs", match: "call_id = ? AND seq = ?", scope: "call_id",
		cols: []string{"answered_at", "ended_at", "disposition"}}
	for i, lc := range w.calls {
		s := &lc.saved
		if s.id == 0 {
			continue // inserted just now with its current state
		}
		id, old, now := w.ids[i], s.head, lc.head()
		if old != now {
			recs.add([]any{id}, id, timeArg(now.answeredAt), timeArg(now.endedAt), now.duration, now.disposition, now.state)
		}
		if s.exts > 0 && (old.answeredAt != now.answeredAt || old.duration != now.duration || old.disposition != now.disposition) {
			// Entries added in this transaction already carry the new
			// values; writing them again is harmless.
			logs.add([]any{id}, id, timeArg(now.answeredAt), now.duration, now.disposition)
		}
		for j, was := range s.legs {
			l := &lc.rec.Legs[j]
			if legOf(l) != was {
				legs.add([]any{id, l.Seq}, id, timeArg(l.AnsweredAt), timeArg(l.EndedAt), l.Disposition)
			}
		}
	}
	if err := recs.run(w, "update calls"); err != nil {
		return err
	}
	if err := logs.run(w, "update call log entries"); err != nil {
		return err
	}
	return legs.run(w, "update call legs")
}
