package voicemail

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/store"
)

// step moves to message next of n, or says "no more messages" when there
// is none; it reports whether the message is to be played.
func (ss *session) step(ctx context.Context, i *int, next, n int) (bool, error) {
	if next < 0 || next >= n {
		return false, ss.c.Play(ctx, ss.c.Caller, "sound:vm-nomore")
	}
	*i = next
	return true, nil
}

// drop takes message i off the list (saved to a folder not listed) and
// moves to the one after it: "no messages" and done when none is left but
// those marked for deletion, "no more messages" when it was the last.
func (ss *session) drop(ctx context.Context, msgs []store.VoicemailMessage, i *int, deleted map[uint64]bool) (rest []store.VoicemailMessage, play, done bool, err error) {
	msgs = slices.Delete(msgs, *i, *i+1)
	switch {
	case allMarked(msgs, deleted):
		return msgs, false, true, ss.c.Play(ctx, ss.c.Caller, "sound:vm-no", "sound:vm-messages")
	case *i >= len(msgs):
		*i = len(msgs) - 1
		return msgs, false, false, ss.c.Play(ctx, ss.c.Caller, "sound:vm-nomore")
	}
	return msgs, true, false, nil
}

// allMarked reports whether every message left is marked for deletion (true
// for none).
func allMarked(msgs []store.VoicemailMessage, deleted map[uint64]bool) bool {
	for _, m := range msgs {
		if !deleted[m.ID] {
			return false
		}
	}
	return true
}

// purge deletes the messages marked for deletion; a failure is logged (the
// message stays, to be deleted another time).
func (ss *session) purge(ctx context.Context, msgs []store.VoicemailMessage, deleted map[uint64]bool) {
	for i := range msgs {
		if !deleted[msgs[i].ID] {
			continue
		}
		if err := ss.remove(ctx, &msgs[i]); err != nil {
			ss.log.ErrorContext(ctx, "voicemail delete failed", "err", err)
		}
	}
}

// remove deletes a message: the recording and its introduction, then its
// record, then the lamp.
func (ss *session) remove(ctx context.Context, m *store.VoicemailMessage) error {
	name := ss.s.recordingName(m)
	names := []string{name}
	if m.IntroPath != "" {
		names = append(names, ss.s.nameOf(m.IntroPath))
	}
	for _, n := range names {
		if err := ss.c.Client().Recordings().DeleteStored(ctx, n); err != nil && !errors.Is(err, ari.ErrNotFound) {
			return fmt.Errorf("voicemail %s: delete recording %s: %w", ss.box, n, err)
		}
	}
	if err := ss.s.o.Messages.Delete(ctx, m.ID); err != nil {
		return fmt.Errorf("voicemail %s: delete message: %w", ss.box, err)
	}
	ss.log.InfoContext(ctx, "voicemail deleted", "recording", name)
	ss.s.UpdateMWI(ctx, ss.c.Client(), ss.box)
	return nil
}
