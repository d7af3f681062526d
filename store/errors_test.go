package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
)

func TestDriverErrorsMapToSentinels(t *testing.T) {
	cases := []struct {
		err  error
		want error
	}{
		{&gomysql.MySQLError{Number: 1062, Message: "Duplicate entry"}, ErrDuplicate},
		{&gomysql.MySQLError{Number: 1452, Message: "Cannot add or update a child row"}, ErrReference},
		{&gomysql.MySQLError{Number: 1451, Message: "Cannot delete or update a parent row"}, ErrReference},
		{&gomysql.MySQLError{Number: 1406, Message: "Data too long"}, ErrInvalid},
		{&gomysql.MySQLError{Number: 1048, Message: "Column cannot be null"}, ErrInvalid},
		{errors.New("constraint failed: UNIQUE constraint failed: extensions.number (2067)"), ErrDuplicate},
		{errors.New("constraint failed: FOREIGN KEY constraint failed (787)"), ErrReference},
		{errors.New("constraint failed: NOT NULL constraint failed: extensions.number (1299)"), ErrInvalid},
	}
	for _, c := range cases {
		got := wrap("op", fmt.Errorf("driver: %w", c.err))
		if !errors.Is(got, c.want) {
			t.Errorf("%v mapped to %v, want %v", c.err, got, c.want)
		}
		var me *gomysql.MySQLError
		if strings.Contains(c.err.Error(), "Error") && !errors.As(got, &me) {
			t.Errorf("driver error lost in %v", got)
		}
	}
	if got := wrap("op", errors.New("disk I/O error")); errors.Is(got, ErrInvalid) || errors.Is(got, ErrDuplicate) {
		t.Errorf("unrelated error classified: %v", got)
	}
	if wrap("op", nil) != nil {
		t.Error("wrap(nil) is not nil")
	}
}

func TestMySQLRefusesOverlongValueAsErrInvalidEvenPastValidation(t *testing.T) {
	st := newMySQLStore(t)
	// Bypass the repository's validation to check the driver mapping (1406).
	err := insert(st.DB().WithContext(context.Background()), "raw insert", &Department{Name: strings.Repeat("x", 300)})
	wantErr(t, err, ErrInvalid)
}

func TestNilRecordsAreRefusedNotPanicked(t *testing.T) {
	st := newSQLiteStore(t)
	ctx := context.Background()
	errs := []error{
		st.Extensions.Create(ctx, nil), st.Extensions.Update(ctx, nil), st.Departments.Create(ctx, nil),
		st.Calls.Open(ctx, nil), st.Calls.AddLeg(ctx, 1, nil), st.Calls.AddTrace(ctx, 1, nil),
		st.Contacts.Create(ctx, nil), st.Voicemail.Create(ctx, nil), st.Faxes.Create(ctx, nil),
		st.FollowMe.Set(ctx, nil), st.Blacklist.Add(ctx, nil), st.Queues.Create(ctx, nil),
		st.Queues.AddMember(ctx, "600", nil), st.RingGroups.Create(ctx, nil), st.Conferences.Create(ctx, nil),
		st.Wakeups.Create(ctx, nil), st.Recordings.Create(ctx, nil), st.Trunks.Create(ctx, nil),
		st.Trunks.CreateRoute(ctx, nil), st.Audit.Append(ctx, nil), st.Settings.Save(ctx, nil),
	}
	_, tokErr := st.Tokens.Create(ctx, nil)
	errs = append(errs, tokErr)
	for i, err := range errs {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("call %d: error = %v, want ErrInvalid", i, err)
		}
	}
}
