package voicemail_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

// rig is the callflow on the simulator with voicemail registered, a
// migrated SQLite store holding the messages and mailboxes 101..103
// (voicemail on, password 1234 for 102).
type rig struct {
	*featuretest.Flow
	st  *store.Store
	svc *voicemail.Service
}

// memPasswords changes passwords in the in-memory directory.
type memPasswords struct{ dir *featuretest.MemDir }

func (p memPasswords) SetVoicemailPassword(_ context.Context, box, pin string) error {
	p.dir.Ext(box).VoicemailPassword = pin
	return nil
}

func newRig(t *testing.T, tune func(*voicemail.Options)) *rig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: store.DriverSQLite, DSN: filepath.Join(t.TempDir(), "sb.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	numbers := []string{"101", "102", "103"}
	for _, n := range numbers {
		if err := st.Extensions.Create(ctx, &store.Extension{Number: n, Name: "Ext " + n}); err != nil {
			t.Fatal(err)
		}
	}
	r := &rig{st: st}
	r.Flow = featuretest.New(t, func(f *featuretest.Flow) {
		o := voicemail.Options{Messages: st.Voicemail, Passwords: memPasswords{f.Dir}}
		if tune != nil {
			tune(&o)
		}
		svc, err := voicemail.New(o)
		if err != nil {
			t.Fatal(err)
		}
		r.svc = svc
		svc.Register(f.Router)
		f.Env.Voicemail = svc
		f.Env.Store = st // the system's settings: the time zone of the envelopes
		for _, n := range numbers {
			f.Dir.Ext(n).VoicemailEnabled = true
		}
		f.Dir.Ext("102").VoicemailPassword = "1234"
	}, numbers...)
	return r
}

// heard lists what a simulated call heard.
func heard(c *sim.Call) []string {
	var out []string
	for _, h := range c.Heard() {
		out = append(out, h.What)
	}
	return out
}

// count is how often a call heard media starting with prefix.
func count(c *sim.Call, prefix string) int {
	n := 0
	for _, h := range heard(c) {
		if strings.HasPrefix(h, prefix) {
			n++
		}
	}
	return n
}

// waitHeard lets clock time pass until the call heard media starting with
// prefix n times.
func (r *rig) waitHeard(c *sim.Call, prefix string, n int, max time.Duration) {
	r.T.Helper()
	for waited := time.Duration(0); count(c, prefix) < n; waited += 100 * time.Millisecond {
		if waited > max || c.State() == sim.CallEnded {
			r.T.Fatalf("call never heard %q %d times within %s (state %s); heard %v", prefix, n, max, c.State(), heard(c))
		}
		r.Clock.Advance(100 * time.Millisecond)
		time.Sleep(300 * time.Microsecond)
	}
}

// dtmf sends digits once the call heard prompt n times.
func (r *rig) dtmf(c *sim.Call, prompt string, n int, digits string) {
	r.T.Helper()
	r.waitHeard(c, prompt, n, 90*time.Second)
	if err := c.SendDTMF(digits); err != nil {
		r.T.Fatal(err)
	}
}

// inOrder reports whether want appears in got as a subsequence.
func inOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// leaveMessage has 101 call 102 (ringing if a device of 102 is registered,
// else straight to voicemail), wait for the beep, speak for talk and
// press #; it returns the caller's call once it ended.
func (r *rig) leaveMessage(talk time.Duration) *sim.Call {
	r.T.Helper()
	a := r.Device("101")
	out := r.Dial(a, "102")
	r.waitHeard(out, "sound:beep", 1, 60*time.Second)
	r.Advance(talk)
	if err := out.SendDTMF("#"); err != nil {
		r.T.Fatal(err)
	}
	r.WaitStateAdvancing(out, sim.CallEnded, 30*time.Second)
	return out
}

// messages lists a mailbox's messages.
func (r *rig) messages(box, folder string) []store.VoicemailMessage {
	r.T.Helper()
	ms, err := r.st.Voicemail.List(context.Background(), box, folder)
	if err != nil {
		r.T.Fatal(err)
	}
	return ms
}

// mwi is the simulator's lamp state for box@default.
func (r *rig) mwi(box string) (newMsgs, oldMsgs int) {
	o, n, _ := r.Sim.Mailbox(box + "@default")
	return n, o
}
