// Package featuretest runs features on the simulator for tests: an
// in-memory Directory, the numbering plan's defaults, the callflow router and
// a coretest rig sharing one fake clock.
package featuretest

import (
	"context"
	"sync"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/store"
)

// MemDir is an in-memory Directory.
type MemDir struct {
	mu    sync.Mutex
	exts  map[string]*store.Extension
	fwd   map[string]feature.Forwards
	black map[string]bool
	// FM, LastExt, Contacts and Inbound are for tests to fill before calls.
	FM       map[string]feature.FollowMe
	LastExt  map[string]string
	Contacts map[string]string
	Inbound  map[string]string
}

// NewMemDir returns a directory with the given extensions (national class).
func NewMemDir(numbers ...string) *MemDir {
	d := &MemDir{exts: map[string]*store.Extension{}, fwd: map[string]feature.Forwards{},
		FM: map[string]feature.FollowMe{}, black: map[string]bool{}, LastExt: map[string]string{},
		Contacts: map[string]string{}, Inbound: map[string]string{}}
	for _, n := range numbers {
		d.exts[n] = &store.Extension{Number: n, Name: "Ext " + n, OutboundClass: "national"}
	}
	return d
}

// Ext returns the stored extension itself, for tests to change.
func (d *MemDir) Ext(n string) *store.Extension {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.exts[n]
}

// Extension implements feature.Directory.
func (d *MemDir) Extension(_ context.Context, n string) (*store.Extension, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.exts[n]
	if !ok {
		return nil, feature.ErrUnknownExtension
	}
	cp := *e
	return &cp, nil
}

// Forwards implements feature.Directory.
func (d *MemDir) Forwards(_ context.Context, n string) (feature.Forwards, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fwd[n], nil
}

// SetForward implements feature.Directory.
func (d *MemDir) SetForward(_ context.Context, n string, k feature.ForwardKind, f feature.Forward) error {
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

// SetDND implements feature.Directory.
func (d *MemDir) SetDND(_ context.Context, n string, on bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.exts[n].DND = on
	return nil
}

// FollowMe implements feature.Directory.
func (d *MemDir) FollowMe(_ context.Context, n string) (feature.FollowMe, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.FM[n], nil
}

// Blacklisted implements feature.Directory.
func (d *MemDir) Blacklisted(_ context.Context, n string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.black[n], nil
}

// Blacklist implements feature.Directory.
func (d *MemDir) Blacklist(_ context.Context, n, _ string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.black[n] = true
	return nil
}

// Unblacklist implements feature.Directory.
func (d *MemDir) Unblacklist(_ context.Context, n string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.black, n)
	return nil
}

// LastExternalCaller implements feature.Directory.
func (d *MemDir) LastExternalCaller(_ context.Context, ext string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.LastExt[ext], nil
}

// ContactName implements feature.Directory.
func (d *MemDir) ContactName(_ context.Context, n, _ string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.Contacts[n], nil
}

// InboundRoute implements feature.Directory.
func (d *MemDir) InboundRoute(_ context.Context, did string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.Inbound[did], nil
}

// IsBlacklisted reports a number's blacklist state.
func (d *MemDir) IsBlacklisted(n string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.black[n]
}

// Fwd returns an extension's forwards.
func (d *MemDir) Fwd(n string) feature.Forwards {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fwd[n]
}
