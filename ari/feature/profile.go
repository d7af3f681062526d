package feature

import (
	"context"
	"errors"

	"github.com/switchboard-pbx/switchboard/store"
)

// Profile is what routing reads about one extension on every call: the
// extension itself (DND, voicemail, class, names), its forward targets and
// its follow-me setting, all read at the same moment.
type Profile struct {
	// Extension is the extension.
	Extension *store.Extension
	// Forwards are its three forward targets.
	Forwards Forwards
	// FollowMe is its follow-me setting.
	FollowMe FollowMe
}

// ProfileReader is implemented by directories that read the profiles of
// several extensions in one round trip. Nothing is cached: every call reads
// the store, so a change made by any process applies to the next call.
type ProfileReader interface {
	// Profiles returns the profile of each number that is an extension;
	// numbers that are none are absent from the map (no error).
	Profiles(ctx context.Context, numbers ...string) (map[string]*Profile, error)
}

// ReadProfiles reads the profiles of numbers through d: in one round trip
// when d is a ProfileReader, else with Extension, Forwards and FollowMe one
// number after the other. Numbers that are no extension are absent.
func ReadProfiles(ctx context.Context, d Directory, numbers ...string) (map[string]*Profile, error) {
	if pr, ok := d.(ProfileReader); ok {
		return pr.Profiles(ctx, numbers...)
	}
	out := make(map[string]*Profile, len(numbers))
	for _, n := range numbers {
		if _, done := out[n]; done {
			continue
		}
		e, err := d.Extension(ctx, n)
		if errors.Is(err, ErrUnknownExtension) {
			continue
		}
		if err != nil {
			return nil, err
		}
		p := &Profile{Extension: e}
		if p.Forwards, err = d.Forwards(ctx, n); err != nil {
			return nil, err
		}
		if p.FollowMe, err = d.FollowMe(ctx, n); err != nil {
			return nil, err
		}
		out[n] = p
	}
	return out, nil
}

// ReadProfile reads one extension's profile; ErrUnknownExtension when number
// is no extension.
func ReadProfile(ctx context.Context, d Directory, number string) (*Profile, error) {
	ps, err := ReadProfiles(ctx, d, number)
	if err != nil {
		return nil, err
	}
	p := ps[number]
	if p == nil {
		return nil, unknownExtension(number)
	}
	return p, nil
}
