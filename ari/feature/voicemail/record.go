package voicemail

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
)

// recorded is the outcome of one recording on the caller's channel.
type recorded struct {
	// Name is the stored recording's name.
	Name string
	// Duration is its length in whole seconds.
	Duration int
	// Stored tells whether Asterisk kept a file.
	Stored bool
}

// settleTime is how long (clock time) the feature waits for
// RecordingFinished after the caller hung up before asking Asterisk.
const settleTime = 3 * time.Second

// record records the caller's channel into name until # is pressed, the
// limits hit or the caller hangs up. A recording cut short by a hang-up, or
// by the app losing the call, is still returned: Asterisk stores what it
// has when the channel goes.
func (s *Service) record(ctx context.Context, c *core.Call, name string, overwrite bool) (recorded, error) {
	p := ari.ChannelRecordParams{
		Name: name, Format: "wav", Beep: true, TerminateOn: "#", IfExists: "fail",
		MaxDurationSeconds: int(s.o.MaxMessage / time.Second),
		MaxSilenceSeconds:  int(s.o.MaxSilence / time.Second),
	}
	if overwrite {
		p.IfExists = "overwrite"
	}
	start := c.Now()
	if _, err := c.Client().Channels().Record(ctx, c.Caller.ID, p); err != nil {
		if errors.Is(err, ari.ErrNotFound) {
			return recorded{Name: name}, core.ErrCallerGone
		}
		return recorded{Name: name}, fmt.Errorf("record %s: %w", name, err)
	}
	for {
		if c.Caller.Gone {
			return s.afterHangup(ctx, c, name, start)
		}
		ev, err := c.Next(ctx)
		if err != nil {
			// The app is losing the call: keep what was recorded.
			r, serr := s.salvage(c, name, start)
			if serr != nil {
				return r, errors.Join(err, serr)
			}
			return r, err
		}
		switch e := ev.(type) {
		case *ari.RecordingFinished:
			if e.Recording.Name == name {
				return finished(e.Recording, start, c.Now()), nil
			}
		case *ari.RecordingFailed:
			if e.Recording.Name == name {
				return recorded{Name: name}, fmt.Errorf("%w: %s: %s", ErrRecordingFailed, name, e.Recording.Cause)
			}
		}
	}
}

// afterHangup waits a little for the RecordingFinished that follows a
// hang-up (it can come after StasisEnd) and otherwise asks Asterisk.
func (s *Service) afterHangup(ctx context.Context, c *core.Call, name string, start time.Time) (recorded, error) {
	stop := c.Now()
	for {
		ev, err := s.nextWithin(ctx, c, settleTime)
		if err != nil {
			r, serr := s.salvage(c, name, start)
			r.Duration = seconds(stop.Sub(start))
			return r, serr
		}
		if e, ok := ev.(*ari.RecordingFinished); ok && e.Recording.Name == name {
			return finished(e.Recording, start, stop), nil
		}
	}
}

// nextWithin is c.Next bounded by d of clock time.
func (s *Service) nextWithin(ctx context.Context, c *core.Call, d time.Duration) (ari.Event, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	t := c.Engine().Clock().AfterFunc(d, cancel)
	defer t.Stop()
	return c.Next(wctx)
}

// salvage stops a live recording (Asterisk then stores it) and reports
// whether a stored file exists; it works after ctx ended.
func (s *Service) salvage(c *core.Call, name string, start time.Time) (recorded, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r := recorded{Name: name, Duration: seconds(c.Now().Sub(start))}
	if _, err := c.Client().Recordings().GetLive(ctx, name); err == nil {
		if err := c.Client().Recordings().Stop(ctx, name); err != nil && !errors.Is(err, ari.ErrNotFound) {
			return r, fmt.Errorf("stop recording %s: %w", name, err)
		}
	}
	if _, err := c.Client().Recordings().GetStored(ctx, name); err != nil {
		if errors.Is(err, ari.ErrNotFound) {
			return r, nil
		}
		return r, fmt.Errorf("stored recording %s: %w", name, err)
	}
	r.Stored = true
	return r, nil
}

func finished(rec ari.LiveRecording, start, now time.Time) recorded {
	r := recorded{Name: rec.Name, Stored: rec.State != "canceled" && rec.State != "failed"}
	if rec.Duration != nil {
		r.Duration = *rec.Duration
	} else {
		r.Duration = seconds(now.Sub(start))
	}
	return r
}

func seconds(d time.Duration) int { return int(math.Round(d.Seconds())) }
