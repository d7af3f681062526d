package voicemail

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
)

// Keys that control a message while it plays: Comedian's default
// listen-control keys (app_voicemail.c DEFAULT_LISTEN_CONTROL_*); rewind and
// fast-forward move by Asterisk's default skip of 3000 ms.
const (
	rewindKey      = "*"
	fastForwardKey = "#"
	pauseKey       = "0"
	restartKey     = "2"
)

// playMessage plays a message's recordings (an introduction, then the
// message) on the caller: * goes back and # forward 3 seconds, 0 pauses
// and resumes, 2 starts again (ARI's playback control); any other key
// stops the playback and is returned ("" when it played to its end).
func (ss *session) playMessage(ctx context.Context, media ...string) (string, error) {
	c := ss.c
	if c.Caller.Gone {
		return "", core.ErrCallerGone
	}
	id := "vm-" + ss.s.tag + "-pb" + strconv.FormatUint(ss.s.sequence.Add(1), 10)
	if _, err := c.Client().Channels().PlayWithID(ctx, c.Caller.ID, id, ari.ChannelPlayWithIDParams{Media: media}); err != nil {
		if errors.Is(err, ari.ErrNotFound) {
			return "", core.ErrCallerGone
		}
		return "", fmt.Errorf("voicemail %s: play %s: %w", ss.box, strings.Join(media, ","), err)
	}
	paused := false
	for {
		ev, err := c.Next(ctx)
		if err != nil {
			return "", err
		}
		switch e := ev.(type) {
		case *ari.PlaybackFinished:
			if e.Playback.ID != id {
				break
			}
			if e.Playback.State == "failed" {
				return "", fmt.Errorf("voicemail %s: playback %s failed", ss.box, strings.Join(media, ","))
			}
			return "", nil
		case *ari.ChannelDtmfReceived:
			if e.Channel.ID != c.Caller.ID {
				break
			}
			switch e.Digit {
			case rewindKey:
				ss.control(ctx, id, "reverse", "rewinds")
			case fastForwardKey:
				ss.control(ctx, id, "forward", "fast-forwards")
			case pauseKey:
				if paused = !paused; paused {
					ss.control(ctx, id, "pause", "pauses")
				} else {
					ss.control(ctx, id, "unpause", "resumes")
				}
			case restartKey:
				ss.control(ctx, id, "restart", "restarts")
			default:
				if err := c.Client().Playbacks().Stop(ctx, id); err != nil && !errors.Is(err, ari.ErrNotFound) {
					ss.log.WarnContext(ctx, "stop playback failed", "playback", id, "err", err)
				}
				return e.Digit, nil
			}
		}
		if c.Caller.Gone {
			return "", core.ErrCallerGone
		}
	}
}

// control applies op to a playing message (said as what in the trace); a
// playback that has just ended (404) or cannot be controlled (409) is left
// as it is.
func (ss *session) control(ctx context.Context, id, op, what string) {
	ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s %s the message", ss.box, what))
	err := ss.c.Client().Playbacks().Control(ctx, id, ari.PlaybackControlParams{Operation: op})
	if err != nil && !errors.Is(err, ari.ErrNotFound) && !errors.Is(err, ari.ErrConflict) {
		ss.log.WarnContext(ctx, "playback control failed", "playback", id, "operation", op, "err", err)
	}
}
