package callflow_test

import (
	"context"
	"sync"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/store"
)

// memDir is an in-memory Directory for the call-flow tests.
type memDir struct {
	mu       sync.Mutex
	exts     map[string]*store.Extension
	fwd      map[string]feature.Forwards
	fm       map[string]feature.FollowMe
	black    map[string]bool
	lastExt  map[string]string
	contacts map[string]string
	inbound  map[string]string
}

func newMemDir(numbers ...string) *memDir {
	d := &memDir{exts: map[string]*store.Extension{}, fwd: map[string]feature.Forwards{},
		fm: map[string]feature.FollowMe{}, black: map[string]bool{}, lastExt: map[string]string{},
		contacts: map[string]string{}, inbound: map[string]string{}}
	for _, n := range numbers {
		d.exts[n] = &store.Extension{Number: n, Name: "Ext " + n, OutboundClass: "national"}
	}
	return d
}

func (d *memDir) ext(n string) *store.Extension {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.exts[n]
}

func (d *memDir) Extension(_ context.Context, n string) (*store.Extension, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.exts[n]
	if !ok {
		return nil, feature.ErrUnknownExtension
	}
	cp := *e
	return &cp, nil
}

func (d *memDir) Forwards(_ context.Context, n string) (feature.Forwards, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fwd[n], nil
}

func (d *memDir) SetForward(_ context.Context, n string, k feature.ForwardKind, f feature.Forward) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	fw := d.fwd[n]
	switch k {
	case feature.ForwardAll:
		fw.All = f
	case feature.ForwardBusy:
		fw.Busy = f
	case feature.ForwardNoAnswer:
		fw.NoAnswer = f
	}
	d.fwd[n] = fw
	return nil
}

func (d *memDir) SetDND(_ context.Context, n string, on bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.exts[n].DND = on
	return nil
}

func (d *memDir) FollowMe(_ context.Context, n string) (feature.FollowMe, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fm[n], nil
}

func (d *memDir) Blacklisted(_ context.Context, n string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.black[n], nil
}

func (d *memDir) Blacklist(_ context.Context, n, _ string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.black[n] = true
	return nil
}

func (d *memDir) Unblacklist(_ context.Context, n string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.black, n)
	return nil
}

func (d *memDir) LastExternalCaller(_ context.Context, ext string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lastExt[ext], nil
}

func (d *memDir) ContactName(_ context.Context, n, _ string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.contacts[n], nil
}

func (d *memDir) InboundRoute(_ context.Context, did string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inbound[did], nil
}
