package harness

import (
	"bytes"
	"sync"
)

// callErrorMsg is the core's log message for a call whose handler returned
// an error other than the caller hanging up (ari/core's Engine.serve).
const callErrorMsg = `msg="call ended with error"`

// logWatch counts the app's log lines that report a call ending with an
// error: a scenario can pass its assertions while a feature failed on the
// way (a request Asterisk refused, a hang-up taken for a failure), and
// those lines are the only trace of it. The harness fails such a scenario
// unless it allowed them (H.AllowCallErrors).
type logWatch struct {
	mu    sync.Mutex
	n     int
	first string
}

// see notes a log line.
func (w *logWatch) see(line []byte) {
	if !bytes.Contains(line, []byte(callErrorMsg)) {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.n == 0 {
		w.first = string(trimNewline(line))
	}
	w.n++
}

// callErrors reports how many calls ended with an error, and the first line.
func (w *logWatch) callErrors() (int, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n, w.first
}
