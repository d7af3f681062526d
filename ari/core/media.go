package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
)

// ErrPlaybackFailed means Asterisk could not play the media to a leg that is
// still there (e.g. a sound file that does not exist).
var ErrPlaybackFailed = errors.New("core: playback failed")

// playbackGrace is how long (clock time) a failed playback waits for its
// leg's hang-up before it counts as a real failure: Asterisk 22 reports a
// playback cut by a hang-up as finished in state "failed" just before the
// leg's ChannelHangupRequest and StasisEnd.
const playbackGrace = 500 * time.Millisecond

// Play plays media (sound:…, digits:…, tone:…, one playback) to a leg and
// waits until it finished. It returns ErrCallerGone when the caller hung up
// (also when l is the caller and Asterisk had forgotten it before its
// hang-up's events arrived) and ErrLegGone when l (another leg) did, also
// when the hang-up cut the playback; ErrPlaybackFailed (wrapped) when the leg is there but the media
// could not be played.
func (c *Call) Play(ctx context.Context, l *Leg, media ...string) error {
	_, err := c.play(ctx, l, media, nil)
	return err
}

// PlayInterruptible plays media and stops it at the first digit pressed on
// the leg, which it returns ("" when the playback ended by itself).
func (c *Call) PlayInterruptible(ctx context.Context, l *Leg, media ...string) (string, error) {
	var got string
	_, err := c.play(ctx, l, media, func(d string) bool { got = d; return true })
	return got, err
}

// play starts a playback and consumes events until it finished; onDigit, when
// set, sees the leg's digits and stops the playback when it returns true.
func (c *Call) play(ctx context.Context, l *Leg, media []string, onDigit func(string) bool) (string, error) {
	if err := c.legErr(l); err != nil {
		return "", err
	}
	id := c.e.ids.Next("pb")
	_, err := c.Client().Channels().PlayWithID(ctx, l.ID, id, ari.ChannelPlayWithIDParams{Media: media})
	if err != nil {
		if isGone(err) {
			return "", c.vanished(l)
		}
		return "", fmt.Errorf("play %s: %w", strings.Join(media, ","), err)
	}
	for {
		ev, err := c.Next(ctx)
		if err != nil {
			return id, err
		}
		switch e := ev.(type) {
		case *ari.PlaybackFinished:
			if e.Playback.ID == id {
				if e.Playback.State == "failed" {
					return id, c.playbackFailed(ctx, l, media)
				}
				return id, nil
			}
		case *ari.ChannelDtmfReceived:
			if onDigit != nil && e.Channel.ID == l.ID && onDigit(e.Digit) {
				c.stopPlayback(ctx, id)
				return id, nil
			}
		}
		if err := c.legErr(l); err != nil {
			return id, err
		}
	}
}

// playbackFailed tells a playback cut by its leg going away from a real
// failure. The leg counts as going when Asterisk reported its hang-up, when
// it no longer knows the channel, or when the hang-up arrives within
// playbackGrace of clock time; otherwise the media could not be played to a
// living leg. Events read meanwhile are put back for the caller of Play.
func (c *Call) playbackFailed(ctx context.Context, l *Leg, media []string) error {
	if err := c.goneErr(l); err != nil {
		return err
	}
	if _, err := c.Client().Channels().Get(ctx, l.ID); errors.Is(err, ari.ErrNotFound) {
		return c.vanished(l)
	}
	timer := c.e.o.Clock.NewTimer(playbackGrace)
	defer timer.Stop()
	var seen []ari.Event
	defer func() {
		for i := len(seen) - 1; i >= 0; i-- {
			c.Requeue(seen[i])
		}
	}()
	for {
		ev, err := c.nextOrTimer(ctx, timer)
		if errors.Is(err, ErrTimeout) {
			return fmt.Errorf("play %s to %s: %w", strings.Join(media, ","), l.ID, ErrPlaybackFailed)
		}
		if err != nil {
			return err
		}
		seen = append(seen, ev)
		if err := c.goneErr(l); err != nil {
			return err
		}
	}
}

// goneErr is legErr, also when l's hang-up was only requested so far.
func (c *Call) goneErr(l *Leg) error {
	if err := c.legErr(l); err != nil {
		return err
	}
	if l.HangupRequested || (c.Caller != nil && c.Caller.HangupRequested) {
		return c.legGone(l)
	}
	return nil
}

// vanished is the error for l when Asterisk no longer knows its channel,
// which can happen before the hang-up's events have marked it gone.
func (c *Call) vanished(l *Leg) error {
	if err := c.legErr(l); err != nil {
		return err
	}
	return c.legGone(l)
}

// legGone is the error for l going away: ErrCallerGone for the caller.
func (c *Call) legGone(l *Leg) error {
	if l == c.Caller || c.Caller.HangupRequested {
		return ErrCallerGone
	}
	return ErrLegGone
}

func (c *Call) stopPlayback(ctx context.Context, id string) {
	if err := c.Client().Playbacks().Stop(ctx, id); err != nil && !isGone(err) {
		c.log.WarnContext(ctx, "stop playback failed", "playback", id, "err", err)
	}
}

// legErr reports ErrCallerGone when the caller is gone, ErrLegGone when l is.
func (c *Call) legErr(l *Leg) error {
	if c.Caller.Gone {
		return ErrCallerGone
	}
	if l != nil && l.Gone {
		return ErrLegGone
	}
	return nil
}

func (c *Call) legErrOr(l *Leg, def error) error {
	if err := c.legErr(l); err != nil {
		return err
	}
	return def
}

// CollectOptions shape a digit collection.
type CollectOptions struct {
	// Prompt is played first; a digit stops it and counts.
	Prompt []string
	// Max is the most digits taken (0: until the terminator).
	Max int
	// Terminator ends the entry early ("#" by default; not included).
	Terminator string
	// FirstTimeout is how long to wait for the first digit after the
	// prompt (default 10 s); InterTimeout between digits (default 5 s).
	FirstTimeout, InterTimeout time.Duration
}

// Collect plays a prompt and collects digits pressed on leg l. It returns
// the digits (possibly empty on a timeout) without the terminator.
func (c *Call) Collect(ctx context.Context, l *Leg, o CollectOptions) (string, error) {
	if o.Terminator == "" {
		o.Terminator = "#"
	}
	if o.FirstTimeout <= 0 {
		o.FirstTimeout = 10 * time.Second
	}
	if o.InterTimeout <= 0 {
		o.InterTimeout = 5 * time.Second
	}
	var got strings.Builder
	done := false
	take := func(d string) bool {
		if d == o.Terminator {
			done = true
			return true
		}
		got.WriteString(d)
		if o.Max > 0 && got.Len() >= o.Max {
			done = true
		}
		return true
	}
	if len(o.Prompt) > 0 {
		if _, err := c.play(ctx, l, o.Prompt, take); err != nil {
			return got.String(), err
		}
	}
	wait := o.FirstTimeout
	if got.Len() > 0 {
		wait = o.InterTimeout
	}
	for !done {
		timer := c.e.o.Clock.NewTimer(wait)
		ev, err := c.nextOrTimer(ctx, timer)
		timer.Stop()
		if errors.Is(err, ErrTimeout) {
			break
		}
		if err != nil {
			return got.String(), err
		}
		if d, ok := ev.(*ari.ChannelDtmfReceived); ok && d.Channel.ID == l.ID {
			take(d.Digit)
			wait = o.InterTimeout
		}
		if err := c.legErr(l); err != nil {
			return got.String(), err
		}
	}
	return got.String(), nil
}

// Wait lets d of clock time pass while handling the call's events; it
// returns early with ErrCallerGone when the caller hangs up.
func (c *Call) Wait(ctx context.Context, d time.Duration) error {
	timer := c.e.o.Clock.NewTimer(d)
	defer timer.Stop()
	for {
		if c.Caller.Gone {
			return ErrCallerGone
		}
		_, err := c.nextOrTimer(ctx, timer)
		if errors.Is(err, ErrTimeout) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
