package store

import "strings"

// multiInsertRows bounds the rows of one INSERT: far below the placeholder
// limits of SQLite (32766) and MySQL (65535) for the widest row (11 columns).
const multiInsertRows = 500

// multiInsert collects rows for INSERT … VALUES (…),(…) statements.
type multiInsert struct {
	head string // INSERT INTO table (columns) VALUES
	row  string // (?,?,…)
	cols int
	args []any
}

func newMultiInsert(table, columns string, cols int) *multiInsert {
	row := "(" + strings.Repeat("?,", cols-1) + "?)"
	return &multiInsert{head: "INSERT INTO " + table + " (" + columns + ") VALUES ", row: row, cols: cols}
}

// add appends one row; len(vals) must be the column count.
func (m *multiInsert) add(vals ...any) { m.args = append(m.args, vals...) }

// run inserts the rows collected, multiInsertRows at a time.
func (m *multiInsert) run(w *liveWriter, op string) error {
	for args := m.args; len(args) > 0; {
		n := min(len(args)/m.cols, multiInsertRows)
		var q strings.Builder
		q.Grow(len(m.head) + n*(len(m.row)+1))
		q.WriteString(m.head)
		for i := 0; i < n; i++ {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(m.row)
		}
		if _, err := w.exec(op, q.String(), args[:n*m.cols]...); err != nil {
			return err
		}
		args = args[n*m.cols:]
	}
	return nil
}
