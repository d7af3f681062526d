package aritest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSharedDirHonoursTheEnvironmentVariable(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "asterisk-ari-22"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvShared, dir)
	got, err := SharedDir()
	if err != nil || got != dir {
		t.Fatalf("got %q, %v", got, err)
	}
	t.Setenv(EnvShared, filepath.Join(dir, "nothing-here"))
	if _, err := SharedDir(); !errors.Is(err, ErrSharedNotFound) {
		t.Fatalf("bad env: %v", err)
	}
}

func TestSharedDirWalksUpFromTheWorkingDirectory(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "repo", "ari", "internal")
	for _, d := range []string{deep, filepath.Join(root, "shared", "asterisk-ari-22")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvShared, "")
	t.Chdir(deep)
	got, err := SharedDir()
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.EvalSymlinks(filepath.Join(root, "shared")); got != want && got != filepath.Join(root, "shared") {
		t.Fatalf("got %q", got)
	}
}
