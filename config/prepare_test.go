package config

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"
)

func prepared(t *testing.T, dataDir string) (Config, Prepared) {
	t.Helper()
	cfg := Default()
	cfg.DataDir = dataDir
	p, err := Prepare(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, p
}

func TestSecretsAreGeneratedOnceWithMode0600AndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, p := prepared(t, dir)
	if len(p.Generated) != 4 {
		t.Fatalf("first start generated %v, want 3 secrets and a certificate", p.Generated)
	}
	for _, s := range []string{first.ARI.Password, first.AMI.Password, first.HTTP.SessionKey} {
		if len(s) < 32 {
			t.Fatalf("secret %q too short", s)
		}
	}
	if first.ARI.Password == first.AMI.Password {
		t.Fatal("ARI and AMI passwords are the same")
	}
	for _, name := range []string{ARIPasswordFile, AMIPasswordFile, SessionKeyFile} {
		st, err := os.Stat(filepath.Join(dir, SecretsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %o, want 600", name, st.Mode().Perm())
		}
	}
	for _, d := range []string{dir, filepath.Join(dir, SecretsDir)} {
		st, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("%s mode %o, want 700", d, st.Mode().Perm())
		}
	}
	second, p2 := prepared(t, dir)
	if len(p2.Generated) != 0 {
		t.Fatalf("second start generated %v", p2.Generated)
	}
	if second.ARI.Password != first.ARI.Password || second.AMI.Password != first.AMI.Password ||
		second.HTTP.SessionKey != first.HTTP.SessionKey {
		t.Fatal("secrets changed between starts")
	}
}

func TestConfiguredSecretsAreNotReplaced(t *testing.T) {
	cfg := Default()
	cfg.DataDir = t.TempDir()
	cfg.ARI.Password = "given"
	if _, err := Prepare(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.ARI.Password != "given" {
		t.Fatalf("password = %q", cfg.ARI.Password)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, SecretsDir, ARIPasswordFile)); !os.IsNotExist(err) {
		t.Fatalf("a file was written for a configured secret: %v", err)
	}
}

func TestGeneratedCertificateIsUsableAndReused(t *testing.T) {
	dir := t.TempDir()
	first, _ := prepared(t, dir)
	pair, err := tls.LoadX509KeyPair(first.HTTP.TLSCert, first.HTTP.TLSKey)
	if err != nil {
		t.Fatalf("generated pair does not load: %v", err)
	}
	if err := pair.Leaf.VerifyHostname("localhost"); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(first.HTTP.TLSCert)
	second, _ := prepared(t, dir)
	after, _ := os.ReadFile(second.HTTP.TLSCert)
	if string(before) != string(after) {
		t.Fatal("certificate regenerated on second start")
	}
	if st, _ := os.Stat(first.HTTP.TLSKey); st.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %o", st.Mode().Perm())
	}
}
