package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestExtensionCreateGetUpdateDelete(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		dep := &Department{Name: "Sales"}
		must(t, st.Departments.Create(ctx, dep))
		e := &Extension{Number: "201", Name: "Alice", DepartmentID: &dep.ID, Email: "alice@example.com", PortalPassword: "secret99"}
		must(t, st.Extensions.Create(ctx, e))
		got, err := st.Extensions.Get(ctx, "201")
		must(t, err)
		if got.Name != "Alice" || got.OutboundClass != OutboundNational || got.PortalPasswordHash == "" || *got.DepartmentID != dep.ID {
			t.Fatalf("stored extension = %+v", got)
		}
		got.DND, got.Name = true, "Alice B."
		must(t, st.Extensions.Update(ctx, got))
		again, err := st.Extensions.Get(ctx, "201")
		must(t, err)
		if !again.DND || again.Name != "Alice B." || again.PortalPasswordHash != got.PortalPasswordHash {
			t.Fatalf("after update = %+v", again)
		}
		must(t, st.Extensions.Delete(ctx, "201"))
		_, err = st.Extensions.Get(ctx, "201")
		wantErr(t, err, ErrNotFound)
		wantErr(t, st.Extensions.Delete(ctx, "201"), ErrNotFound)
	})
}

func TestExtensionDuplicateNumberIsErrDuplicate(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "300"}))
		wantErr(t, st.Extensions.Create(ctx, &Extension{Number: "300"}), ErrDuplicate)
	})
}

func TestExtensionBadInputIsValidationErrorNamingTheField(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		cases := []struct {
			ext   Extension
			field string
		}{
			{Extension{Number: "20a"}, "number"},
			{Extension{Number: "1"}, "number"},
			{Extension{Number: "1234567"}, "number"},
			{Extension{Number: "201", Name: strings.Repeat("x", MaxNameLen+1)}, "name"},
			{Extension{Number: "201", VoicemailPassword: "12a4"}, "voicemail_password"},
			{Extension{Number: "201", Email: "not an email"}, "email"},
			{Extension{Number: "201", OutboundClass: "galactic"}, "outbound_class"},
			{Extension{Number: "201", OutboundCallerID: "+49 30 1234"}, "outbound_caller_id"},
			{Extension{Number: "201", PortalPassword: "abc"}, "portal_password"},
		}
		for _, c := range cases {
			e := c.ext
			wantField(t, st.Extensions.Create(ctx, &e), c.field)
		}
		list, err := st.Extensions.List(ctx, ExtensionFilter{})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("refused creates left %d rows", len(list))
		}
	})
}

func TestExtensionWithUnknownDepartmentIsErrReference(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		missing := uint64(999)
		wantErr(t, st.Extensions.Create(context.Background(), &Extension{Number: "201", DepartmentID: &missing}), ErrReference)
	})
}

func TestDeletingDepartmentInUseIsErrReference(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		dep := &Department{Name: "Support"}
		must(t, st.Departments.Create(ctx, dep))
		must(t, st.Extensions.Create(ctx, &Extension{Number: "210", DepartmentID: &dep.ID}))
		wantErr(t, st.Departments.Delete(ctx, dep.ID), ErrReference)
	})
}

func TestPortalLoginNeedsEnabledPortalAndRightPassword(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "220", PortalPassword: "right-pw"}))
		_, err := st.Extensions.CheckPortalLogin(ctx, "220", "right-pw")
		wantErr(t, err, ErrBadCredentials) // portal still disabled
		e, err := st.Extensions.Get(ctx, "220")
		must(t, err)
		e.PortalEnabled = true
		must(t, st.Extensions.Update(ctx, e))
		_, err = st.Extensions.CheckPortalLogin(ctx, "220", "wrong-pw")
		wantErr(t, err, ErrBadCredentials)
		_, err = st.Extensions.CheckPortalLogin(ctx, "999", "right-pw")
		wantErr(t, err, ErrBadCredentials)
		got, err := st.Extensions.CheckPortalLogin(ctx, "220", "right-pw")
		must(t, err)
		if got.Number != "220" {
			t.Fatalf("login returned %s", got.Number)
		}
		must(t, st.Extensions.SetPortalPassword(ctx, "220", "new-pw-1"))
		_, err = st.Extensions.CheckPortalLogin(ctx, "220", "right-pw")
		wantErr(t, err, ErrBadCredentials)
	})
}

func TestExtensionListSearchTreatsWildcardsLiterally(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "230", Name: "Bob"}))
		must(t, st.Extensions.Create(ctx, &Extension{Number: "231", Name: "100% Carol"}))
		list, err := st.Extensions.List(ctx, ExtensionFilter{Search: "%"})
		must(t, err)
		if len(list) != 1 || list[0].Number != "231" {
			t.Fatalf("search %% = %+v", list)
		}
		list, err = st.Extensions.List(ctx, ExtensionFilter{Search: "23"})
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("prefix search found %d", len(list))
		}
	})
}

func TestModifyChangesOnlyWhatTheFunctionTouches(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "240", Name: "Dana", Email: "d@example.com", SpyAllowed: true, PortalPassword: "dana-pw-1"}))
		got, err := st.Extensions.Modify(ctx, "240", func(e *Extension) error { e.DND = true; return nil })
		must(t, err)
		if !got.DND || got.Name != "Dana" || got.Email != "d@example.com" || !got.SpyAllowed {
			t.Fatalf("after modify = %+v", got)
		}
		stored, err := st.Extensions.Get(ctx, "240")
		must(t, err)
		if !stored.DND || stored.PortalPasswordHash == "" || !stored.SpyAllowed {
			t.Fatalf("stored = %+v", stored)
		}
		refuse := errors.New("caller refuses")
		_, err = st.Extensions.Modify(ctx, "240", func(e *Extension) error { e.Name = "Changed"; return refuse })
		wantErr(t, err, refuse)
		_, err = st.Extensions.Modify(ctx, "240", func(e *Extension) error { e.Email = "bad"; return nil })
		wantField(t, err, "email")
		again, err := st.Extensions.Get(ctx, "240")
		must(t, err)
		if again.Name != "Dana" || again.Email != "d@example.com" {
			t.Fatalf("refused modifications were written: %+v", again)
		}
		_, err = st.Extensions.Modify(ctx, "999", func(*Extension) error { return nil })
		wantErr(t, err, ErrNotFound)
	})
}
