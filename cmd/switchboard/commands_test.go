package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/config"
)

func TestVersionPrintsBuildVersionAndCommit(t *testing.T) {
	t.Parallel()
	a := newTestApp("")
	if code := a.run(context.Background(), []string{"version"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := a.out.String(); got != "switchboard dev (commit none)\n" {
		t.Fatalf("got %q", got)
	}
}

func TestUnknownCommandPrintsUsageAndExits2(t *testing.T) {
	t.Parallel()
	a := newTestApp("")
	if code := a.run(context.Background(), []string{"frobnicate"}); code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(a.err.String(), `unknown command "frobnicate"`) || !strings.Contains(a.err.String(), "asterisk-conf") {
		t.Fatalf("stderr %s", a.err.String())
	}
}

func TestMigrateAppliesOnceThenReportsUpToDate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := newTestApp("")
	if code := a.run(context.Background(), []string{"migrate", "-data_dir", dir}); code != 0 {
		t.Fatalf("exit %d: %s", code, a.err.String())
	}
	if !strings.HasPrefix(a.out.String(), "applied migrations [1") {
		t.Fatalf("first run: %s", a.out.String())
	}
	b := newTestApp("")
	if code := b.run(context.Background(), []string{"migrate", "-data_dir", dir}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.HasPrefix(b.out.String(), "database is up to date") {
		t.Fatalf("second run: %s", b.out.String())
	}
}

func TestAsteriskConfRenderWritesTheSecretsServeUses(t *testing.T) {
	t.Parallel()
	dataDir, out := t.TempDir(), filepath.Join(t.TempDir(), "asterisk")
	a := newTestApp("")
	args := []string{"asterisk-conf", "render", "--out", out, "-data_dir", dataDir, "-asterisk.external_address", "203.0.113.7",
		"-numbering.parking", "51-53", "-asterisk.local_nets", "192.168.7.0/24,10.0.0.0/8"}
	if code := a.run(context.Background(), args); code != 0 {
		t.Fatalf("exit %d: %s", code, a.err.String())
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ariPW := strings.TrimSpace(read(filepath.Join(dataDir, config.SecretsDir, config.ARIPasswordFile)))
	amiPW := strings.TrimSpace(read(filepath.Join(dataDir, config.SecretsDir, config.AMIPasswordFile)))
	if !strings.Contains(read(filepath.Join(out, "ari.conf")), "password = "+ariPW) {
		t.Error("ari.conf lacks the generated ARI password")
	}
	if !strings.Contains(read(filepath.Join(out, "manager.conf")), "secret = "+amiPW) {
		t.Error("manager.conf lacks the generated AMI password")
	}
	pjsip := read(filepath.Join(out, "pjsip.conf"))
	if !strings.Contains(pjsip, "203.0.113.7") {
		t.Error("pjsip.conf lacks the external address")
	}
	if !strings.Contains(pjsip, "192.168.7.0/24") || !strings.Contains(pjsip, "10.0.0.0/8") {
		t.Error("pjsip.conf lacks the local networks")
	}
	ext := read(filepath.Join(out, "extensions.conf"))
	if !strings.Contains(ext, "exten => 51,hint,Stasis:park51") || !strings.Contains(ext, "exten => 53,hint") || strings.Contains(ext, "exten => 41,hint") {
		t.Error("extensions.conf does not hint exactly the configured parking slots 51-53")
	}
	if st, err := os.Stat(filepath.Join(out, "ari.conf")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("ari.conf mode: %v %v", st.Mode(), err)
	}
}

func TestAsteriskConfWithoutRenderShowsUsage(t *testing.T) {
	t.Parallel()
	a := newTestApp("")
	if code := a.run(context.Background(), []string{"asterisk-conf"}); code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(a.err.String(), "asterisk-conf render") {
		t.Fatalf("stderr %s", a.err.String())
	}
}

func TestAPlanTheCallRouterWouldRefuseStopsTheStart(t *testing.T) {
	t.Parallel()
	a := newTestApp("")
	code := a.run(context.Background(), []string{"migrate", "-data_dir", t.TempDir(), "-numbering.area_code", "30"})
	if code != exitFail {
		t.Fatalf("exit %d", code)
	}
	want := "switchboard migrate: config: numbering.area_code: \"30\" needs a country_code\n"
	if got := a.err.String(); got != want {
		t.Fatalf("stderr %q, want %q", got, want)
	}
}

func TestTheDefaultPlanPassesTheRoutersValidation(t *testing.T) {
	t.Parallel()
	if err := checkPlan(config.Default().Numbering); err != nil {
		t.Fatal(err)
	}
}
