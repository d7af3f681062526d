package callflow_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/featuretest"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

// countingDir is the in-memory directory as a ProfileReader that notes every
// read routing makes.
type countingDir struct {
	*featuretest.MemDir
	mu    sync.Mutex
	reads [][]string // numbers of each Profiles call
	other int        // Extension, Forwards and FollowMe calls
}

func (d *countingDir) Profiles(ctx context.Context, numbers ...string) (map[string]*feature.Profile, error) {
	d.mu.Lock()
	d.reads = append(d.reads, append([]string(nil), numbers...))
	d.mu.Unlock()
	return feature.ReadProfiles(ctx, d.MemDir, numbers...)
}

func (d *countingDir) Extension(ctx context.Context, n string) (*store.Extension, error) {
	d.count()
	return d.MemDir.Extension(ctx, n)
}

func (d *countingDir) Forwards(ctx context.Context, n string) (feature.Forwards, error) {
	d.count()
	return d.MemDir.Forwards(ctx, n)
}

func (d *countingDir) FollowMe(ctx context.Context, n string) (feature.FollowMe, error) {
	d.count()
	return d.MemDir.FollowMe(ctx, n)
}

func (d *countingDir) count() {
	d.mu.Lock()
	d.other++
	d.mu.Unlock()
}

func (d *countingDir) take() (reads [][]string, other int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	reads, other = d.reads, d.other
	d.reads, d.other = nil, 0
	return reads, other
}

func newCountingFlow(t *testing.T, numbers ...string) (*featuretest.Flow, *countingDir) {
	var dir *countingDir
	f := featuretest.New(t, func(f *featuretest.Flow) {
		dir = &countingDir{MemDir: f.Dir}
		f.Env.Directory = dir
	}, numbers...)
	return f, dir
}

func TestExtensionCallReadsCallerAndCalleeInOneDirectoryRead(t *testing.T) {
	f, dir := newCountingFlow(t, "101", "102")
	a, b := f.Device("101"), f.Device("102")
	out := f.Dial(a, "102")
	in := f.Answer(b)
	f.WaitState(out, sim.CallUp)
	_ = in.Hangup()
	f.WaitState(out, sim.CallEnded)
	f.WaitIdle()
	reads, other := dir.take()
	if len(reads) != 1 || !slices.Equal(reads[0], []string{"101", "102"}) || other != 0 {
		t.Errorf("routing read profiles %v and made %d other reads, want [[101 102]] and 0", reads, other)
	}
}

func TestSettingChangedBetweenTwoCallsAppliesToTheSecond(t *testing.T) {
	f, dir := newCountingFlow(t, "101", "102")
	a, b := f.Device("101"), f.Device("102")
	out := f.Dial(a, "102")
	in := f.Answer(b)
	f.WaitState(out, sim.CallUp)
	_ = in.Hangup()
	f.WaitIdle()
	if err := dir.SetDND(context.Background(), "102", true); err != nil {
		t.Fatal(err)
	}
	out = f.Dial(a, "102")
	f.WaitState(out, sim.CallEnded)
	if c := out.HangupCause(); c != 17 {
		t.Errorf("second call ended with cause %d, want 17 (busy: DND set after the first call)", c)
	}
	f.WaitIdle()
}

func TestForwardedCallReadsTheTargetsSettingsWhenItGetsThere(t *testing.T) {
	f, dir := newCountingFlow(t, "101", "102", "103")
	if err := dir.SetForward(context.Background(), "102", feature.ForwardAll, feature.Forward{Number: "103", On: true}); err != nil {
		t.Fatal(err)
	}
	a, c := f.Device("101"), f.Device("103")
	out := f.Dial(a, "102")
	in := f.Answer(c)
	f.WaitState(out, sim.CallUp)
	_ = in.Hangup()
	f.WaitIdle()
	reads, other := dir.take()
	if !slices.EqualFunc(reads, [][]string{{"101", "102"}, {"103"}}, slices.Equal) || other != 0 {
		t.Errorf("routing read profiles %v and made %d other reads, want [[101 102] [103]] and 0", reads, other)
	}
}
