package voicemail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/store"
)

// errCalledBack ends the menus: the caller was put through to whoever left
// the message and that call is over.
var errCalledBack = errors.New("voicemail: called back")

// advanced is Comedian Mail's advanced options: on message m, 1 reply (a
// message to the sender's mailbox), 2 call back (messages left from an
// extension) and 3 hear the envelope again; with or without one, 5 send a
// message to a mailbox; * back.
func (ss *session) advanced(ctx context.Context, m *store.VoicemailMessage) error {
	prompt := []string{"sound:vm-leavemsg", "sound:vm-starmain"}
	if m != nil {
		prompt = append([]string{"sound:vm-toreply", "sound:vm-tocallback", "sound:vm-tohearenv"}, prompt...)
	}
	key, err := ss.c.Collect(ctx, ss.c.Caller, oneKey(prompt...))
	if err != nil {
		return err
	}
	switch {
	case key == "1" && m != nil:
		return ss.reply(ctx, m)
	case key == "2" && m != nil:
		return ss.callBack(ctx, m)
	case key == "3" && m != nil:
		ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s hears the envelope of message %d", ss.box, m.ID))
		return ss.c.Play(ctx, ss.c.Caller, envelope(m, ss.c.Now(), ss.loc)...)
	case key == "5":
		return ss.send(ctx)
	case key == "" || key == "*" || key == "#":
		return nil
	}
	return ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry")
}

// callBack rings the extension that left m and ends the menus after that
// call.
func (ss *session) callBack(ctx context.Context, m *store.VoicemailMessage) error {
	if _, err := ss.env.Directory.Extension(ctx, m.CallerNumber); err != nil || m.CallerNumber == ss.box {
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry")
	}
	ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s calls back %s", ss.box, m.CallerNumber))
	if err := callflow.RingExtension(ctx, ss.env, ss.req, m.CallerNumber, "callback"); err != nil {
		return err
	}
	return errCalledBack
}

// reply records a message for whoever left m: "no number" when m has no
// caller number, "no mailbox" when that number has none.
func (ss *session) reply(ctx context.Context, m *store.VoicemailMessage) error {
	if m.CallerNumber == "" {
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-nonumber")
	}
	target := ss.forwardTarget(ctx, m.CallerNumber)
	if target == nil {
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-nobox")
	}
	return ss.leaveFor(ctx, target)
}

// send asks for a mailbox ("extension", number and #) and records a message
// for it.
func (ss *session) send(ctx context.Context) error {
	target, err := ss.askMailbox(ctx)
	if err != nil || target == nil {
		return err
	}
	return ss.leaveFor(ctx, target)
}

// leaveFor records a message after the beep (# ends it) and files it in
// target's mailbox as new, from this mailbox; the lamp and the e-mail
// follow as for any message.
func (ss *session) leaveFor(ctx context.Context, target *store.Extension) error {
	s := ss.s
	at := ss.c.Now()
	name := s.messageName(target.Number, at)
	rec, recErr := s.record(ctx, ss.c, name, false)
	if recErr != nil && !errors.Is(recErr, core.ErrCallerGone) && !rec.Stored {
		return recErr
	}
	if !rec.Stored || time.Duration(rec.Duration)*time.Second < s.o.MinMessage {
		s.dropRecording(ctx, ss.c, name)
		if recErr != nil {
			return recErr
		}
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-tooshort")
	}
	fctx := context.WithoutCancel(ctx)
	msg := &store.VoicemailMessage{Mailbox: target.Number, CallerNumber: ss.box, CallerName: ss.ext.Name,
		ReceivedAt: at, DurationSec: rec.Duration, Folder: store.FolderNew, FilePath: s.filePath(name)}
	if err := s.o.Messages.Create(fctx, msg); err != nil {
		return fmt.Errorf("voicemail: message from %s for %s: %w", ss.box, target.Number, err)
	}
	ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s left a message for %s", ss.box, target.Number))
	ss.log.InfoContext(ctx, "voicemail sent", "to", target.Number, "recording", name, "seconds", rec.Duration)
	s.UpdateMWI(fctx, ss.c.Client(), target.Number)
	if target.Email != "" && s.o.SMTP != nil {
		s.sendLater(ss.c.Client(), target, *msg, name)
	}
	if recErr != nil {
		return recErr
	}
	return ss.c.Play(ctx, ss.c.Caller, "sound:vm-msgsaved")
}
