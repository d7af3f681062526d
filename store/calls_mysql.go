package store

import "strings"

// Rows per statement on MySQL. Inserts stay far below its 65535
// placeholders for the widest row (12 columns); CASE updates are shorter
// because every row they touch is matched against each WHEN in turn.
const (
	mysqlInsertRows = 500
	mysqlUpdateRows = 64
)

// valuesSQL is INSERT INTO table (cols) VALUES with n rows of placeholders.
func (t *liveTable) valuesSQL(n int) string {
	row := "(" + strings.Repeat("?,", len(t.cols)-1) + "?)"
	var q strings.Builder
	q.Grow(32 + len(t.name) + 16*len(t.cols) + n*(len(row)+1))
	q.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	for i := range n {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString(row)
	}
	return q.String()
}

// caseSQL is, for n rows of an update table,
//
//	UPDATE t SET c = CASE WHEN <key match> THEN ? … ELSE c END, …
//	WHERE <first key> IN (…)
//
// which sets each row to its own values in one statement, and its
// arguments taken from the flat rows.
func (t *liveTable) caseSQL(rows []any) (string, []any) {
	width := len(t.cols)
	match := make([]string, t.keys)
	for i := range t.keys {
		match[i] = t.cols[i] + " = ?"
	}
	when := " WHEN " + strings.Join(match, " AND ") + " THEN ?"
	var (
		q    strings.Builder
		args []any
	)
	q.WriteString("UPDATE " + t.name + " SET ")
	for c := t.keys; c < width; c++ {
		if c > t.keys {
			q.WriteString(", ")
		}
		q.WriteString(t.cols[c] + " = CASE")
		for r := 0; r < len(rows); r += width {
			q.WriteString(when)
			args = append(args, rows[r:r+t.keys]...)
			args = append(args, rows[r+c])
		}
		q.WriteString(" ELSE " + t.cols[c] + " END")
	}
	q.WriteString(" WHERE " + t.cols[0] + " IN (")
	var scope []any
	for r := 0; r < len(rows); r += width {
		if containsArg(scope, rows[r]) {
			continue
		}
		if len(scope) > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('?')
		scope = append(scope, rows[r])
	}
	q.WriteByte(')')
	return q.String(), append(args, scope...)
}

// runMySQL inserts or updates the flat rows, a bounded number per
// statement.
func (t *liveTable) runMySQL(w *liveWriter, op string, rows []any) error {
	width, per := len(t.cols), mysqlInsertRows
	if t.keys > 0 {
		per = mysqlUpdateRows
	}
	for len(rows) > 0 {
		n := min(len(rows)/width, per)
		var (
			q    string
			args = rows[:n*width]
		)
		if t.keys > 0 {
			q, args = t.caseSQL(args)
		} else {
			q = t.valuesSQL(n)
		}
		if _, err := w.exec(op, q, args...); err != nil {
			return err
		}
		rows = rows[n*width:]
	}
	return nil
}

func containsArg(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
