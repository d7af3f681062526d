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

// Keys that move within a message while it plays (Comedian's
// listen-control-reverse-key and -forward-key), by Asterisk's default
// skip of 3000 ms.
const (
	rewindKey      = "*"
	fastForwardKey = "#"
)

// playMessage plays a message's recordings (an introduction, then the
// message) on the caller: * goes back and # forward 3 seconds (ARI's
// playback control, the playback's default skip), any other key stops the
// playback and is returned ("" when it played to its end).
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
				ss.control(ctx, id, "reverse")
			case fastForwardKey:
				ss.control(ctx, id, "forward")
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

// control moves a playing message back or forward; a playback that has
// just ended (404) or cannot be moved (409) is left as it is.
func (ss *session) control(ctx context.Context, id, op string) {
	ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s: %s 3 s", ss.box, map[string]string{"reverse": "rewind", "forward": "fast-forward"}[op]))
	err := ss.c.Client().Playbacks().Control(ctx, id, ari.PlaybackControlParams{Operation: op})
	if err != nil && !errors.Is(err, ari.ErrNotFound) && !errors.Is(err, ari.ErrConflict) {
		ss.log.WarnContext(ctx, "playback control failed", "playback", id, "operation", op, "err", err)
	}
}
