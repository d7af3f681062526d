package feature

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

// StoreDirectory is the Directory over the store.
type StoreDirectory struct {
	// Store is the open store.
	Store *store.Store
}

var _ Directory = StoreDirectory{}

// Extension implements Directory.
func (d StoreDirectory) Extension(ctx context.Context, number string) (*store.Extension, error) {
	e, err := d.Store.Extensions.Get(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, unknownExtension(number)
	}
	return e, err
}

func unknownExtension(number string) error {
	return fmt.Errorf("%w: %s", ErrUnknownExtension, number)
}

// Forwards implements Directory.
func (d StoreDirectory) Forwards(ctx context.Context, number string) (Forwards, error) {
	f, err := d.Store.Forwards.Get(ctx, number)
	if err != nil {
		return Forwards{}, err
	}
	return Forwards{
		All:      Forward{Number: f.All.Number, On: f.All.Enabled},
		Busy:     Forward{Number: f.Busy.Number, On: f.Busy.Enabled},
		NoAnswer: Forward{Number: f.NoAnswer.Number, On: f.NoAnswer.Enabled},
	}, nil
}

// SetForward implements Directory.
func (d StoreDirectory) SetForward(ctx context.Context, number string, kind ForwardKind, f Forward) error {
	return d.Store.Forwards.Set(ctx, number, string(kind), store.ForwardTarget{Number: f.Number, Enabled: f.On})
}

// SetDND implements Directory.
func (d StoreDirectory) SetDND(ctx context.Context, number string, on bool) error {
	e, err := d.Store.Extensions.Get(ctx, number)
	if err != nil {
		return err
	}
	e.DND = on
	return d.Store.Extensions.Update(ctx, e)
}

// FollowMe implements Directory.
func (d StoreDirectory) FollowMe(ctx context.Context, number string) (FollowMe, error) {
	f, err := d.Store.FollowMe.Get(ctx, number)
	if err != nil {
		return FollowMe{}, err
	}
	out := FollowMe{On: f.Enabled, OwnRing: time.Duration(f.OwnRingSec) * time.Second}
	for _, s := range f.Steps {
		out.Steps = append(out.Steps, FollowStep{Number: s.Number, Ring: time.Duration(s.RingSec) * time.Second})
	}
	return out, nil
}

// Blacklisted implements Directory.
func (d StoreDirectory) Blacklisted(ctx context.Context, number string) (bool, error) {
	return d.Store.Blacklist.Contains(ctx, number)
}

// Blacklist implements Directory; a number already there is not an error.
func (d StoreDirectory) Blacklist(ctx context.Context, number, by string) error {
	err := d.Store.Blacklist.Add(ctx, &store.BlacklistEntry{Number: number, AddedBy: by})
	if errors.Is(err, store.ErrDuplicate) {
		return nil
	}
	return err
}

// Unblacklist implements Directory; a number not there is not an error.
func (d StoreDirectory) Unblacklist(ctx context.Context, number string) error {
	err := d.Store.Blacklist.Remove(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// LastExternalCaller implements Directory from the extension's call log.
func (d StoreDirectory) LastExternalCaller(ctx context.Context, ext string) (string, error) {
	page, err := d.Store.Calls.Log(ctx, store.CallLogQuery{Extension: ext, Type: store.CallInbound, PageSize: 10})
	if err != nil {
		return "", err
	}
	for _, c := range page.Calls {
		if c.FromNumber != "" {
			return c.FromNumber, nil
		}
	}
	return "", nil
}

// ContactName implements Directory.
func (d StoreDirectory) ContactName(ctx context.Context, number, ext string) (string, error) {
	return d.Store.Contacts.NameForNumber(ctx, number, ext)
}

// InboundRoute implements Directory: the DID's destination number, or "".
func (d StoreDirectory) InboundRoute(ctx context.Context, did string) (string, error) {
	rt, err := d.Store.Trunks.Route(ctx, did)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return rt.DestinationValue, nil
}
