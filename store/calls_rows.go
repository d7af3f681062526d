package store

import (
	"strconv"
	"strings"
	"time"
)

// liveTable is a table the live-call writer inserts into or updates, with
// its statements. Rows are passed flat: len(cols) values each; for updates
// the first keys columns name the row and the others are set.
type liveTable struct {
	name string
	cols []string
	keys int // updates only
	// jsonSQL is the SQLite statement taking every row as one JSON array of
	// arrays: its text, and so the work of compiling it, does not grow
	// with the rows (the driver compiles each statement at every execution).
	jsonSQL string
}

func newInsertTable(name string, cols ...string) liveTable {
	t := liveTable{name: name, cols: cols}
	sel := make([]string, len(cols))
	for i := range cols {
		sel[i] = "value->>" + strconv.Itoa(i)
	}
	t.jsonSQL = "INSERT INTO " + name + " (" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(sel, ", ") +
		" FROM json_each(?)"
	return t
}

func newUpdateTable(name string, keys int, cols ...string) liveTable {
	t := liveTable{name: name, cols: cols, keys: keys}
	set := make([]string, 0, len(cols)-keys)
	for i := keys; i < len(cols); i++ {
		set = append(set, cols[i]+" = j.value->>"+strconv.Itoa(i))
	}
	match := make([]string, keys)
	for i := range keys {
		match[i] = name + "." + cols[i] + " = j.value->>" + strconv.Itoa(i)
	}
	t.jsonSQL = "UPDATE " + name + " SET " + strings.Join(set, ", ") + " FROM json_each(?) AS j WHERE " +
		strings.Join(match, " AND ")
	return t
}

var (
	callsInsert = newInsertTable("call_records", "uid", "`type`", "from_number", "from_name", "to_number",
		"started_at", "answered_at", "ended_at", "duration_sec", "disposition", "state", "recording_ref")
	legsInsert = newInsertTable("call_legs", "call_id", "seq", "kind", "from_number", "to_number",
		"from_extension", "to_extension", "started_at", "answered_at", "ended_at", "disposition")
	logsInsert = newInsertTable("call_log_entries", "extension", "started_at", "call_id", "`type`",
		"from_number", "from_name", "to_number", "answered_at", "duration_sec", "disposition")
	traceInsert = newInsertTable("trace_steps", "call_id", "seq", "`at`", "step", "detail")
	callsUpdate = newUpdateTable("call_records", 1, "id", "answered_at", "ended_at", "duration_sec",
		"disposition", "state")
	logsUpdate = newUpdateTable("call_log_entries", 1, "call_id", "answered_at", "duration_sec", "disposition")
	legsUpdate = newUpdateTable("call_legs", 2, "call_id", "seq", "answered_at", "ended_at", "disposition")
)

// callRow is a record's row of callsInsert.
func callRow(c *CallRecord) []any {
	return []any{c.UID, c.Type, c.FromNumber, c.FromName, c.ToNumber, c.StartedAt, timeArg(c.AnsweredAt),
		timeArg(c.EndedAt), c.DurationSec, c.Disposition, c.State, c.RecordingRef}
}

// liveChanges are the rows a save writes besides new records, flat.
type liveChanges struct {
	legs, logs, trace       []any // rows to insert
	callUpd, logUpd, legUpd []any // rows to update
}

// collect adds what changed in lc since its last save; id is its record.
func (ch *liveChanges) collect(id uint64, lc *LiveCall) {
	s, c := &lc.saved, &lc.rec
	for j := len(s.legs); j < len(c.Legs); j++ {
		l := &c.Legs[j]
		ch.legs = append(ch.legs, id, l.Seq, l.Kind, l.FromNumber, l.ToNumber, l.FromExtension, l.ToExtension,
			l.StartedAt, timeArg(l.AnsweredAt), timeArg(l.EndedAt), l.Disposition)
	}
	for _, ext := range lc.exts[s.exts:] {
		ch.logs = append(ch.logs, ext, c.StartedAt, id, c.Type, c.FromNumber, c.FromName, c.ToNumber,
			timeArg(c.AnsweredAt), c.DurationSec, c.Disposition)
	}
	for _, t := range c.Trace[s.trace:] {
		ch.trace = append(ch.trace, id, t.Seq, t.At, t.Step, t.Detail)
	}
	if s.id == 0 {
		return // the record was inserted with its current state
	}
	old, now := s.head, lc.head()
	if old != now {
		ch.callUpd = append(ch.callUpd, id, timeArg(now.answeredAt), timeArg(now.endedAt), now.duration,
			now.disposition, now.state)
	}
	if s.exts > 0 && (old.answeredAt != now.answeredAt || old.duration != now.duration || old.disposition != now.disposition) {
		// Entries added in this save already carry the new values; writing
		// them again is harmless.
		ch.logUpd = append(ch.logUpd, id, timeArg(now.answeredAt), now.duration, now.disposition)
	}
	for j, was := range s.legs {
		if l := &c.Legs[j]; legOf(l) != was {
			ch.legUpd = append(ch.legUpd, id, l.Seq, timeArg(l.AnsweredAt), timeArg(l.EndedAt), l.Disposition)
		}
	}
}

// sqliteTimeFormat is how the SQLite driver writes a time.Time parameter;
// times inside JSON rows must read the same, for the range queries that
// compare them as text.
const sqliteTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// jsonRows encodes flat rows of n values as a JSON array of arrays. Values
// are strings (valid UTF-8: they passed validation), integers, times and
// nil.
func jsonRows(rows []any, n int) string {
	b := make([]byte, 0, 32*len(rows))
	b = append(b, '[')
	for i, v := range rows {
		switch {
		case i%n == 0 && i > 0:
			b = append(b, "],["...)
		case i%n == 0:
			b = append(b, '[')
		default:
			b = append(b, ',')
		}
		switch x := v.(type) {
		case nil:
			b = append(b, "null"...)
		case string:
			b = appendJSONString(b, x)
		case int:
			b = strconv.AppendInt(b, int64(x), 10)
		case uint64:
			b = strconv.AppendUint(b, x, 10)
		case time.Time:
			b = appendJSONString(b, x.Format(sqliteTimeFormat))
		default:
			panic("store: jsonRows: unexpected value type")
		}
	}
	if len(rows) > 0 {
		b = append(b, ']')
	}
	return string(append(b, ']'))
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
