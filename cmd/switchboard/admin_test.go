package main

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/store"
)

// adminEnv is a temporary data folder with a migrated SQLite store holding
// extension 201.
type adminEnv struct {
	dir string
	st  *store.Store
}

func newAdminEnv(t *testing.T) *adminEnv {
	t.Helper()
	dir := t.TempDir()
	if code := newTestApp("").run(context.Background(), []string{"migrate", "-data_dir", dir}); code != 0 {
		t.Fatalf("migrate exited %d", code)
	}
	st, err := store.Open(context.Background(), store.Options{Driver: "sqlite", DSN: filepath.Join(dir, "switchboard.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.Extensions.Create(context.Background(), &store.Extension{Number: "201", Name: "Reception", PortalPassword: "initial-pw"}); err != nil {
		t.Fatal(err)
	}
	return &adminEnv{dir: dir, st: st}
}

// admin runs `switchboard admin <args> -data_dir dir` and returns stdout.
func (e *adminEnv) admin(t *testing.T, stdin string, wantCode int, args ...string) string {
	t.Helper()
	a := newTestApp(stdin)
	args = append(append([]string{"admin"}, args...), "-data_dir", e.dir)
	if code := a.run(context.Background(), args); code != wantCode {
		t.Fatalf("admin %v exited %d, want %d; stderr:\n%s", args, code, wantCode, a.err.String())
	}
	return a.out.String() + a.err.String()
}

var printedPassword = regexp.MustCompile(`password: (\S+)`)

func TestAdminCreatesAccountsWithGeneratedOrGivenPasswords(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := context.Background()
	out := e.admin(t, "", 0, "create-account", "-username", "alice", "-role", "operator")
	m := printedPassword.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no generated password printed: %s", out)
	}
	acc, err := e.st.Accounts.Authenticate(ctx, "alice", m[1])
	if err != nil || acc.Role != store.RoleOperator {
		t.Fatalf("alice: %+v %v", acc, err)
	}
	out = e.admin(t, "", 0, "create-account", "-username", "bob", "-password", "bob-secret-1")
	if strings.Contains(out, "password:") {
		t.Fatalf("a given password was echoed: %s", out)
	}
	if acc, err := e.st.Accounts.Authenticate(ctx, "bob", "bob-secret-1"); err != nil || acc.Role != store.RoleAdmin {
		t.Fatalf("bob: %+v %v", acc, err)
	}
	out = e.admin(t, "", exitFail, "create-account", "-username", "bob")
	if !strings.Contains(out, "duplicate") {
		t.Fatalf("duplicate account: %s", out)
	}
	out = e.admin(t, "", 0, "list-accounts")
	if !regexp.MustCompile(`alice\s+operator\s+enabled`).MatchString(out) || !strings.Contains(out, "bob") {
		t.Fatalf("list: %s", out)
	}
}

func TestAdminResetsAndLocksAccounts(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := context.Background()
	e.admin(t, "", 0, "create-account", "-username", "carol", "-password", "first-password")
	e.admin(t, "second-password\n", 0, "reset-password", "-username", "carol", "-password-stdin")
	if _, err := e.st.Accounts.Authenticate(ctx, "carol", "second-password"); err != nil {
		t.Fatalf("new password refused: %v", err)
	}
	e.admin(t, "", 0, "disable-account", "-username", "carol")
	if _, err := e.st.Accounts.Authenticate(ctx, "carol", "second-password"); !errors.Is(err, store.ErrBadCredentials) {
		t.Fatalf("disabled account logged in: %v", err)
	}
	e.admin(t, "", 0, "enable-account", "-username", "carol")
	if _, err := e.st.Accounts.Authenticate(ctx, "carol", "second-password"); err != nil {
		t.Fatalf("re-enabled account refused: %v", err)
	}
	if out := e.admin(t, "", exitFail, "reset-password", "-username", "nobody"); !strings.Contains(out, "not found") {
		t.Fatalf("unknown account: %s", out)
	}
	if out := e.admin(t, "", exitUsage, "reset-password"); !strings.Contains(out, "-username is required") {
		t.Fatalf("missing username: %s", out)
	}
}

func TestAdminTogglesPortalAndOperatorRoleOfAnExtension(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := context.Background()
	if _, err := e.st.Extensions.CheckPortalLogin(ctx, "201", "initial-pw"); !errors.Is(err, store.ErrBadCredentials) {
		t.Fatalf("portal open before enable: %v", err)
	}
	e.admin(t, "", 0, "enable-portal", "-extension", "201")
	if _, err := e.st.Extensions.CheckPortalLogin(ctx, "201", "initial-pw"); err != nil {
		t.Fatalf("portal closed after enable: %v", err)
	}
	out := e.admin(t, "", 0, "reset-portal-password", "-extension", "201")
	m := printedPassword.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no password printed: %s", out)
	}
	if _, err := e.st.Extensions.CheckPortalLogin(ctx, "201", m[1]); err != nil {
		t.Fatalf("new portal password refused: %v", err)
	}
	e.admin(t, "", 0, "grant-operator", "-extension", "201")
	if ext, _ := e.st.Extensions.Get(ctx, "201"); !ext.Operator || ext.Name != "Reception" {
		t.Fatalf("after grant: %+v", ext)
	}
	e.admin(t, "", 0, "revoke-operator", "-extension", "201")
	e.admin(t, "", 0, "disable-portal", "-extension", "201")
	ext, _ := e.st.Extensions.Get(ctx, "201")
	if ext.Operator || ext.PortalEnabled {
		t.Fatalf("after revoke/disable: %+v", ext)
	}
	if out := e.admin(t, "", exitFail, "enable-portal", "-extension", "999"); !strings.Contains(out, "not found") {
		t.Fatalf("unknown extension: %s", out)
	}
}

func TestAdminWithoutActionListsActions(t *testing.T) {
	t.Parallel()
	a := newTestApp("")
	if code := a.run(context.Background(), []string{"admin"}); code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	for _, action := range []string{"create-account", "reset-password", "enable-portal", "disable-portal", "grant-operator", "revoke-operator"} {
		if !strings.Contains(a.err.String(), action) {
			t.Errorf("usage lacks %s", action)
		}
	}
}
