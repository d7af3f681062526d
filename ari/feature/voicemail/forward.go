package voicemail

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/store"
)

// forwardTries is how often the caller may enter a target mailbox.
const forwardTries = 3

// forward is message option 8 (Comedian's forward_message): "extension",
// the mailbox number and #, checked (an extension with voicemail on, not the
// caller's own); "that's not a valid extension" lets the caller try again.
// The target's name (or its digits) confirms it; then "1 to prepend a
// message, 2 to forward without prepending" (* cancels). A copy of the
// message is filed there as new, with the introduction recorded on this
// call when the caller chose one; its lamp lights and its owner gets the
// e-mail.
func (ss *session) forward(ctx context.Context, m *store.VoicemailMessage) error {
	target, err := ss.askMailbox(ctx)
	if err != nil || target == nil {
		return err
	}
	prepend, err := ss.forwardOptions(ctx)
	if errors.Is(err, errForwardCancelled) {
		ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s cancelled forwarding message %d", ss.box, m.ID))
		return nil
	}
	if err != nil {
		return err
	}
	dst := ss.s.messageName(target.Number, ss.c.Now())
	intro := 0
	if prepend {
		if intro, err = ss.recordIntro(ctx, dst); err != nil {
			return err
		}
	}
	if err := ss.copyMessage(ctx, m, target, dst, intro); err != nil {
		ss.log.ErrorContext(ctx, "voicemail forward failed", "to", target.Number, "err", err)
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry")
	}
	how := "without an introduction"
	if intro > 0 {
		how = "with an introduction"
	}
	ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s forwarded message %d to %s %s", ss.box, m.ID, target.Number, how))
	return ss.c.Play(ctx, ss.c.Caller, "sound:vm-msgforwarded")
}

// askMailbox asks for another mailbox ("extension", digits, #) up to
// forwardTries times and confirms it by its name or digits; nil when the
// caller gave none that is valid.
func (ss *session) askMailbox(ctx context.Context) (*store.Extension, error) {
	for try := 0; try < forwardTries; try++ {
		to, err := ss.c.Collect(ctx, ss.c.Caller, core.CollectOptions{Prompt: []string{"sound:vm-extension"}})
		if err != nil {
			return nil, err
		}
		if to == "" {
			continue
		}
		target := ss.forwardTarget(ctx, to)
		if target == nil {
			ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s: %q is no other mailbox", ss.box, to))
			if err := ss.c.Play(ctx, ss.c.Caller, "sound:pbx-invalid"); err != nil {
				return nil, err
			}
			continue
		}
		return target, ss.c.Play(ctx, ss.c.Caller, ss.s.mailboxName(ctx, ss.c.Client(), to))
	}
	return nil, nil
}

// forwardTarget is the mailbox to forward, reply or send to when number
// names another extension whose mailbox is on, else nil.
func (ss *session) forwardTarget(ctx context.Context, number string) *store.Extension {
	for _, r := range number {
		if r < '0' || r > '9' {
			return nil
		}
	}
	if number == ss.box {
		return nil
	}
	ext, err := ss.env.Directory.Extension(ctx, number)
	if err != nil || !ext.VoicemailEnabled {
		return nil
	}
	return ext
}

// mailboxName is how a mailbox is said: its recorded name, else its digits.
func (s *Service) mailboxName(ctx context.Context, c *ari.Client, mailbox string) string {
	if name, err := findGreeting(ctx, c, mailbox, greetName); err == nil && name != "" {
		return "recording:" + name
	}
	return "digits:" + mailbox
}

// copyMessage files a copy of m in target's mailbox as the new message dst
// with m's caller and time, and the introduction recorded for it when
// intro (seconds) is not 0: the recording is copied in Asterisk, then the
// record is written (the copy and the introduction are removed again when
// either fails), then the target's lamp and e-mail follow.
func (ss *session) copyMessage(ctx context.Context, m *store.VoicemailMessage, target *store.Extension, dst string, intro int) error {
	s, c := ss.s, ss.c
	fctx := context.WithoutCancel(ctx)
	src := s.recordingName(m)
	if _, err := c.Client().Recordings().CopyStored(ctx, src, ari.RecordingCopyStoredParams{DestinationRecordingName: dst}); err != nil {
		if intro > 0 {
			s.dropRecording(fctx, c, introName(dst))
		}
		return fmt.Errorf("voicemail: copy %s to %s: %w", src, dst, err)
	}
	cp := &store.VoicemailMessage{
		Mailbox: target.Number, CallerNumber: m.CallerNumber, CallerName: m.CallerName,
		ReceivedAt: m.ReceivedAt, DurationSec: m.DurationSec, Folder: store.FolderNew, FilePath: s.filePath(dst),
	}
	s.withIntro(cp, dst, intro)
	if err := s.o.Messages.Create(fctx, cp); err != nil {
		if derr := c.Client().Recordings().DeleteStored(fctx, dst); derr != nil && !errors.Is(derr, ari.ErrNotFound) {
			err = errors.Join(err, derr)
		}
		if intro > 0 {
			s.dropRecording(fctx, c, introName(dst))
		}
		return fmt.Errorf("voicemail: file the copy for %s: %w", target.Number, err)
	}
	ss.log.InfoContext(ctx, "voicemail forwarded", "from", m.Mailbox, "to", target.Number, "recording", dst, "intro", cp.IntroPath)
	s.UpdateMWI(fctx, c.Client(), target.Number)
	if target.Email != "" && s.o.SMTP != nil {
		s.sendLater(c.Client(), target, *cp, dst)
	}
	return nil
}
