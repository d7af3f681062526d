package store

import (
	"context"
	"testing"
)

func TestAccountAuthenticateChecksPasswordAndDisabled(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		a, err := st.Accounts.Create(ctx, "admin", "s3cret-pw", RoleAdmin)
		must(t, err)
		if a.PasswordHash == "s3cret-pw" || a.PasswordHash == "" {
			t.Fatal("password not hashed")
		}
		_, err = st.Accounts.Authenticate(ctx, "admin", "nope-nope")
		wantErr(t, err, ErrBadCredentials)
		got, err := st.Accounts.Authenticate(ctx, "admin", "s3cret-pw")
		must(t, err)
		if got.Role != RoleAdmin {
			t.Fatalf("role = %s", got.Role)
		}
		must(t, st.Accounts.SetDisabled(ctx, "admin", true))
		_, err = st.Accounts.Authenticate(ctx, "admin", "s3cret-pw")
		wantErr(t, err, ErrBadCredentials)
	})
}

func TestAccountRulesOnNamesRolesAndDuplicates(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		_, err := st.Accounts.Create(ctx, "op", "password1", RoleOperator)
		must(t, err)
		_, err = st.Accounts.Create(ctx, "op", "password2", RoleOperator)
		wantErr(t, err, ErrDuplicate)
		_, err = st.Accounts.Create(ctx, "bad name", "password1", RoleOperator)
		wantField(t, err, "username")
		_, err = st.Accounts.Create(ctx, "boss", "password1", "emperor")
		wantField(t, err, "role")
		wantErr(t, st.Accounts.SetRole(ctx, "ghost", RoleAdmin), ErrNotFound)
		must(t, st.Accounts.SetRole(ctx, "op", RoleAdmin))
		must(t, st.Accounts.SetPassword(ctx, "op", "password3"))
		_, err = st.Accounts.Authenticate(ctx, "op", "password3")
		must(t, err)
	})
}
