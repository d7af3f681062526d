package feature

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

// A read that panics must not leave the other readers of its batch, or the
// batches after it, waiting for ever.
func TestProfileBatchWhoseReadPanicsAnswersItsReadersAndLetsTheNextRun(t *testing.T) {
	pb := &profileBatcher{}
	ctx := context.Background()
	release := make(chan struct{})
	var calls sync.Mutex
	n := 0
	read := func(_ context.Context, numbers []string) (map[string]*Profile, error) {
		calls.Lock()
		n++
		first := n == 1
		calls.Unlock()
		if first {
			<-release // let the others gather into the next batch meanwhile
			panic("driver bug")
		}
		out := map[string]*Profile{}
		for _, x := range numbers {
			out[x] = &Profile{Extension: &store.Extension{Number: x}}
		}
		return out, nil
	}
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		_, _ = pb.read(ctx, []string{"101"}, read)
	}()
	for !func() bool { pb.mu.Lock(); defer pb.mu.Unlock(); return pb.running }() {
		time.Sleep(time.Millisecond)
	}
	errs := make(chan error, 5)
	for i := 0; i < 5; i++ {
		go func() {
			_, err := pb.read(ctx, []string{"102"}, func(ctx context.Context, numbers []string) (map[string]*Profile, error) {
				return map[string]*Profile{}, nil
			})
			errs <- err
		}()
	}
	time.Sleep(20 * time.Millisecond) // the five wait for the next batch
	close(release)
	if r := <-panicked; r == nil {
		t.Fatal("the runner's panic was swallowed")
	}
	for i := 0; i < 5; i++ {
		select {
		case err := <-errs:
			if err != nil && !errors.Is(err, errProfileRead) {
				t.Errorf("reader after the panic: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("readers left waiting after a read panicked")
		}
	}
	if _, err := pb.read(ctx, []string{"103"}, read); err != nil {
		t.Errorf("a read after the panic: %v", err)
	}
}
