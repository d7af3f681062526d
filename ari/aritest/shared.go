// Package aritest locates the shared reference material (Asterisk 22's ARI
// description and the recorded traces) for generators and tests, without
// copying it into the repository.
package aritest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// EnvShared names the environment variable that points at the shared folder
// (the one holding asterisk-ari-22/ and asterisk-ari-22-traces/).
const EnvShared = "SWITCHBOARD_SHARED"

// ErrSharedNotFound reports that no shared folder was found.
var ErrSharedNotFound = errors.New("aritest: shared folder with asterisk-ari-22 not found")

// SharedDir finds the shared folder: $SWITCHBOARD_SHARED if set, otherwise
// the first directory named shared (or a sibling shared/ of a directory)
// walking up from the working directory that contains asterisk-ari-22.
func SharedDir() (string, error) {
	if env := os.Getenv(EnvShared); env != "" {
		if isDir(filepath.Join(env, "asterisk-ari-22")) {
			return env, nil
		}
		return "", fmt.Errorf("%w: %s=%s has no asterisk-ari-22", ErrSharedNotFound, EnvShared, env)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrSharedNotFound, err)
	}
	for dir := wd; ; {
		cand := filepath.Join(dir, "shared")
		if isDir(filepath.Join(cand, "asterisk-ari-22")) {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w (searched upwards from %s; set %s)", ErrSharedNotFound, wd, EnvShared)
		}
		dir = parent
	}
}

// SpecDir returns the folder of Asterisk 22's ARI description (*.json).
func SpecDir(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(Shared(tb), "asterisk-ari-22")
}

// TracesDir returns the folder of the recorded Asterisk 22 traces (*.jsonl).
func TracesDir(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(Shared(tb), "asterisk-ari-22-traces")
}

// Shared returns the shared folder. When it cannot be found the test fails
// if the environment variable CI is "true", and is skipped otherwise.
func Shared(tb testing.TB) string {
	tb.Helper()
	dir, err := SharedDir()
	if err == nil {
		return dir
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%v", err)
	}
	tb.Skipf("skipping: %v", err)
	return ""
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
