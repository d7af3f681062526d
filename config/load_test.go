package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "switchboard.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsLoadWithoutAnyFile(t *testing.T) {
	cfg, err := Load(Sources{})
	if err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if cfg.HTTP.Port != 8443 || cfg.ARI.URL != "http://127.0.0.1:8088/ari" || cfg.Database.Driver != "sqlite" {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
	if want := filepath.Join("data", "switchboard.db"); cfg.Database.DSN != want {
		t.Fatalf("sqlite DSN = %q, want %q", cfg.Database.DSN, want)
	}
}

func TestExampleFileLoadsAndEqualsTheDefaults(t *testing.T) {
	cfg, err := Load(Sources{File: filepath.Join("..", "switchboard.example.yaml")})
	if err != nil {
		t.Fatalf("example does not load: %v", err)
	}
	want := Default()
	want.fillDerived()
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("example differs from the defaults:\n got %+v\nwant %+v", cfg, want)
	}
}

func TestExampleFileMentionsEverySetting(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "switchboard.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings() {
		leaf := s.key[strings.LastIndex(s.key, ".")+1:]
		if !strings.Contains(string(b), leaf+":") {
			t.Errorf("example does not show %s", s.key)
		}
	}
}

func TestEnvironmentOverridesFileAndFlagsOverrideEnvironment(t *testing.T) {
	file := writeFile(t, "http:\n  port: 9000\n  listen: 127.0.0.1\nlog:\n  level: debug\n")
	env := []string{"SWITCHBOARD_HTTP_PORT=9001", "SWITCHBOARD_LOG_FORMAT=json", "PATH=/bin",
		"SWITCHBOARD_NUMBERING_EMERGENCY_NUMBERS=112, 911,999", "SWITCHBOARD_ASTERISK=1"}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	flags := RegisterFlags(fs)
	if err := fs.Parse([]string{"-http.port", "9002", "-numbering.parking", "51-59"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(Sources{File: file, Environ: env, Flags: flags})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP.Port != 9002 {
		t.Errorf("port = %d, want the flag's 9002", cfg.HTTP.Port)
	}
	if cfg.HTTP.Listen != "127.0.0.1" || cfg.Log.Level != "debug" {
		t.Errorf("file values lost: listen %q level %q", cfg.HTTP.Listen, cfg.Log.Level)
	}
	if cfg.Log.Format != "json" {
		t.Errorf("format = %q, want the environment's json", cfg.Log.Format)
	}
	if got := cfg.Numbering.EmergencyNumbers; !reflect.DeepEqual(got, []string{"112", "911", "999"}) {
		t.Errorf("emergency numbers = %v", got)
	}
	if cfg.Numbering.Parking != (Range{51, 59}) {
		t.Errorf("parking = %v", cfg.Numbering.Parking)
	}
}

func TestConfigFileComesFromFlagThenEnvironment(t *testing.T) {
	fromEnv := writeFile(t, "http:\n  port: 9100\n")
	fromFlag := writeFile(t, "http:\n  port: 9200\n")
	cfg, err := Load(Sources{Environ: []string{EnvConfigFile + "=" + fromEnv}})
	if err != nil || cfg.HTTP.Port != 9100 {
		t.Fatalf("env file: port %d err %v", cfg.HTTP.Port, err)
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	flags := RegisterFlags(fs)
	_ = fs.Parse([]string{"-config", fromFlag})
	cfg, err = Load(Sources{Environ: []string{EnvConfigFile + "=" + fromEnv}, Flags: flags})
	if err != nil || cfg.HTTP.Port != 9200 {
		t.Fatalf("flag file: port %d err %v", cfg.HTTP.Port, err)
	}
}

func TestDurationsAndDataDirDeriveFromFile(t *testing.T) {
	cfg, err := Load(Sources{File: writeFile(t, "data_dir: /srv/sb\nhttp:\n  shutdown_timeout: 3s\n")})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP.ShutdownTimeout != 3*time.Second || cfg.Database.DSN != "/srv/sb/switchboard.db" {
		t.Fatalf("got timeout %v dsn %q", cfg.HTTP.ShutdownTimeout, cfg.Database.DSN)
	}
}

func TestEmptyFileMeansDefaults(t *testing.T) {
	if _, err := Load(Sources{File: writeFile(t, "# nothing here\n")}); err != nil {
		t.Fatal(err)
	}
}

func TestMissingConfigFileIsAnError(t *testing.T) {
	_, err := Load(Sources{File: filepath.Join(t.TempDir(), "nope.yaml")})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "cannot read configuration file") {
		t.Fatalf("err = %v", err)
	}
}

func TestFlagHelpShowsEnvironmentNameAndDefault(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	RegisterFlags(fs)
	for name, want := range map[string]string{
		"http.port":                   "sets http.port (env SWITCHBOARD_HTTP_PORT; default 8443)",
		"numbering.extensions":        "default 100-899)",
		"numbering.emergency_numbers": "default 112,911)",
		"http.shutdown_timeout":       "default 15s)",
		"ari.password":                "(env SWITCHBOARD_ARI_PASSWORD)",
	} {
		f := fs.Lookup(name)
		if f == nil || !strings.HasSuffix(f.Usage, want) {
			t.Errorf("-%s usage %q, want suffix %q", name, f.Usage, want)
		}
	}
}
