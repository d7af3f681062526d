package feature

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/switchboard-pbx/switchboard/store"
)

// Calls routed at the same moment share one profile statement: with
// hundreds of calls starting at once, the fixed cost of a statement (the
// SQLite driver parses it on every execution, and each begins a read
// transaction) is paid once for many calls. Nothing is cached: a read waits
// for the next statement to start, never joins one already running, so it
// sees every change committed before it was asked, by any process.

// errProfileRead is returned to the readers of a batch whose read panicked.
var errProfileRead = errors.New("feature: profile read failed")

// maxBatchNumbers bounds the numbers one statement asks for.
const maxBatchNumbers = 200

// batchers holds one profileBatcher per open store; an entry goes when its
// store is collected.
var batchers sync.Map // weak.Pointer[store.Store] -> *profileBatcher

func batcherFor(st *store.Store) *profileBatcher {
	key := weak.Make(st)
	if b, ok := batchers.Load(key); ok {
		return b.(*profileBatcher)
	}
	b, loaded := batchers.LoadOrStore(key, &profileBatcher{})
	if !loaded {
		runtime.AddCleanup(st, func(k weak.Pointer[store.Store]) { batchers.Delete(k) }, key)
	}
	return b.(*profileBatcher)
}

// profileBatcher gathers the reads asked while a statement runs into the
// next statement. There is no goroutine of its own: the first reader of a
// batch runs it, once the statement before it has finished.
type profileBatcher struct {
	mu      sync.Mutex
	running bool
	next    *profileBatch // gathering; nil when nothing waits
	runs    atomic.Int64  // batches run, for tests
}

type profileBatch struct {
	numbers []string
	start   chan struct{} // closed when its first reader may run it
	done    chan struct{} // closed when res and err are set
	res     map[string]*Profile
	err     error
}

// read returns the profiles of numbers, read by a statement that starts
// after this call. run reads any numbers in one go.
func (pb *profileBatcher) read(ctx context.Context, numbers []string,
	run func(ctx context.Context, numbers []string) (map[string]*Profile, error)) (map[string]*Profile, error) {
	pb.mu.Lock()
	b := pb.next
	first := b == nil
	if first {
		b = &profileBatch{start: make(chan struct{}), done: make(chan struct{})}
	}
	b.numbers = append(b.numbers, numbers...)
	switch {
	case !pb.running:
		pb.running = true
		pb.mu.Unlock()
		pb.run(ctx, b, run)
	case first:
		pb.next = b
		pb.mu.Unlock()
		// The others in this batch depend on its first reader: it runs the
		// batch even when its own context ends meanwhile.
		<-b.start
		pb.run(ctx, b, run)
	default:
		pb.mu.Unlock()
	}
	select {
	case <-b.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if b.err != nil {
		return nil, b.err
	}
	out := make(map[string]*Profile, len(numbers))
	for _, n := range numbers {
		if p := b.res[n]; p != nil {
			out[n] = p.clone()
		}
	}
	return out, nil
}

// run runs batch b, then lets the batch gathered meanwhile start.
func (pb *profileBatcher) run(ctx context.Context, b *profileBatch,
	read func(ctx context.Context, numbers []string) (map[string]*Profile, error)) {
	pb.runs.Add(1)
	defer func() {
		// Whatever happens, the batch's readers are answered and the next
		// batch starts; a panic reaches them as an error.
		if r := recover(); r != nil {
			b.err = fmt.Errorf("%w: %v", errProfileRead, r)
			defer panic(r)
		}
		close(b.done)
		pb.startNext()
	}()
	ctx = context.WithoutCancel(ctx) // the batch serves other calls too
	numbers := slices.Compact(slices.Sorted(slices.Values(b.numbers)))
	b.res = make(map[string]*Profile, len(numbers))
	for len(numbers) > 0 && b.err == nil {
		chunk := numbers[:min(len(numbers), maxBatchNumbers)]
		numbers = numbers[len(chunk):]
		var res map[string]*Profile
		if res, b.err = read(ctx, chunk); b.err == nil {
			for n, p := range res {
				b.res[n] = p
			}
		}
	}
}

// startNext lets the batch gathered meanwhile start, or marks the batcher
// idle.
func (pb *profileBatcher) startNext() {
	pb.mu.Lock()
	next := pb.next
	pb.next = nil
	if next == nil {
		pb.running = false
	}
	pb.mu.Unlock()
	if next != nil {
		close(next.start)
	}
}

// clone copies p so that calls sharing a batch share nothing they could
// change.
func (p *Profile) clone() *Profile {
	c := *p
	e := *p.Extension
	if e.DepartmentID != nil {
		id := *e.DepartmentID
		e.DepartmentID = &id
	}
	c.Extension = &e
	c.FollowMe.Steps = slices.Clone(p.FollowMe.Steps)
	return &c
}
