package store

import "strings"

// Rows per statement of the batched call-record writes. Inserts stay far
// below the placeholder limits of SQLite (32766) and MySQL (65535) for the
// widest row (12 columns); CASE updates are shorter because every row of
// the table they touch is matched against each WHEN in turn.
const (
	multiInsertRows = 500
	caseUpdateRows  = 64
)

// multiInsert collects rows for INSERT … VALUES (…),(…) statements.
type multiInsert struct {
	head string // INSERT INTO table (columns) VALUES
	row  string // (?,?,…)
	tail string // appended to every statement (e.g. RETURNING …)
	cols int
	args []any
}

func newMultiInsert(table, columns string, cols int) *multiInsert {
	row := "(" + strings.Repeat("?,", cols-1) + "?)"
	return &multiInsert{head: "INSERT INTO " + table + " (" + columns + ") VALUES ", row: row, cols: cols}
}

// add appends one row; len(vals) must be the column count.
func (m *multiInsert) add(vals ...any) { m.args = append(m.args, vals...) }

// run executes the statements for the rows collected.
func (m *multiInsert) run(w *liveWriter, op string) error {
	return m.each(func(q string, args []any) error {
		_, err := w.exec(op, q, args...)
		return err
	})
}

// each calls fn with every statement, multiInsertRows rows at a time.
func (m *multiInsert) each(fn func(query string, args []any) error) error {
	for args := m.args; len(args) > 0; {
		n := min(len(args)/m.cols, multiInsertRows)
		var q strings.Builder
		q.Grow(len(m.head) + n*(len(m.row)+1) + len(m.tail))
		q.WriteString(m.head)
		for i := 0; i < n; i++ {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(m.row)
		}
		q.WriteString(m.tail)
		if err := fn(q.String(), args[:n*m.cols]); err != nil {
			return err
		}
		args = args[n*m.cols:]
	}
	return nil
}

// caseUpdate collects rows for statements of the form
//
//	UPDATE t SET c1 = CASE WHEN <match> THEN ? … ELSE c1 END, …
//	WHERE <scope> IN (…)
//
// which change many rows, each to its own values, in one statement. match
// names a row ("id = ?" or "call_id = ? AND seq = ?"); scope is the indexed
// column that narrows the rows to look at.
type caseUpdate struct {
	table, match, scope string
	cols                []string
	rows                []caseRow
}

type caseRow struct {
	key   []any // match's arguments
	scope any   // the row's scope value
	vals  []any // one per column
}

// add appends one row.
func (u *caseUpdate) add(key []any, scope any, vals ...any) {
	u.rows = append(u.rows, caseRow{key: key, scope: scope, vals: vals})
}

// run executes the statements, caseUpdateRows rows at a time.
func (u *caseUpdate) run(w *liveWriter, op string) error {
	for rows := u.rows; len(rows) > 0; {
		n := min(len(rows), caseUpdateRows)
		q, args := u.statement(rows[:n])
		if _, err := w.exec(op, q, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (u *caseUpdate) statement(rows []caseRow) (string, []any) {
	var (
		q    strings.Builder
		args []any
	)
	q.WriteString("UPDATE " + u.table + " SET ")
	for c, col := range u.cols {
		if c > 0 {
			q.WriteString(", ")
		}
		q.WriteString(col + " = CASE")
		for _, r := range rows {
			q.WriteString(" WHEN " + u.match + " THEN ?")
			args = append(args, r.key...)
			args = append(args, r.vals[c])
		}
		q.WriteString(" ELSE " + col + " END")
	}
	q.WriteString(" WHERE " + u.scope + " IN (")
	var seen []any
	for _, r := range rows {
		if containsArg(seen, r.scope) {
			continue
		}
		if len(seen) > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('?')
		seen = append(seen, r.scope)
	}
	q.WriteByte(')')
	return q.String(), append(args, seen...)
}

func containsArg(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
