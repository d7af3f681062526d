package voicemail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/store"
)

// Deposit implements feature.Voicemail: it answers, plays mailbox's greeting
// for reason ("busy" or "unavailable"), records a message after the beep and
// files it (also when the caller hangs up while speaking), updates the
// mailbox's MWI and e-mails the message when the extension has an address.
func (s *Service) Deposit(ctx context.Context, env *feature.Env, req *feature.Request, mailbox, reason string) error {
	c := req.Call
	log := env.Logger(req, "voicemail").With("mailbox", mailbox)
	c.SetState(ctx, core.StateFeature, "voicemail")
	c.Trace(ctx, "voicemail", fmt.Sprintf("message for %s (%s)", mailbox, reason))
	ext, err := env.Directory.Extension(ctx, mailbox)
	if err != nil {
		return fmt.Errorf("voicemail for %s: %w", mailbox, err)
	}
	if err := c.Answer(ctx); err != nil {
		return gone(err)
	}
	media, err := greeting(ctx, c.Client(), mailbox, reason)
	if err != nil {
		// A greeting lookup must not cost the caller the message.
		log.WarnContext(ctx, "voicemail greeting lookup failed: default greeting", "err", err)
		media = defaultGreeting(mailbox, reason, "")
	}
	if _, err := c.PlayInterruptible(ctx, c.Caller, media...); err != nil {
		// The core reports a greeting cut by the hang-up as the caller
		// gone (on Asterisk it finishes "failed" before the hang-up's
		// events): nothing to record then.
		return gone(err)
	}
	at := c.Now()
	name := s.messageName(mailbox, at)
	rec, recErr := s.record(ctx, c, name, false)
	if recErr != nil && !errors.Is(recErr, core.ErrCallerGone) && !rec.Stored {
		return recErr
	}
	if !rec.Stored || time.Duration(rec.Duration)*time.Second < s.o.MinMessage {
		log.InfoContext(ctx, "voicemail too short, dropped", "recording", name, "seconds", rec.Duration)
		s.dropRecording(ctx, c, name)
		return s.sayGoodbye(ctx, c, "sound:vm-tooshort")
	}
	// Filing must happen even when the engine is stopping.
	fctx := context.WithoutCancel(ctx)
	m := &store.VoicemailMessage{
		Mailbox: mailbox, CallerNumber: req.CallerNumber, CallerName: callerName(fctx, env, req, mailbox),
		ReceivedAt: at, DurationSec: rec.Duration, Folder: store.FolderNew, FilePath: s.filePath(name),
	}
	if err := s.o.Messages.Create(fctx, m); err != nil {
		return fmt.Errorf("voicemail for %s: file message: %w", mailbox, err)
	}
	log.InfoContext(ctx, "voicemail left", "recording", name, "seconds", rec.Duration, "caller", m.CallerNumber)
	c.Annotate(ctx, "voicemail", name)
	s.UpdateMWI(fctx, c.Client(), mailbox)
	if ext.Email != "" && s.o.SMTP != nil {
		s.sendLater(c.Client(), ext, *m, name)
	}
	if recErr != nil {
		return nil // the caller hung up: the message is filed, nothing to say
	}
	return s.sayGoodbye(ctx, c, "sound:vm-msgsaved")
}

// messageName is a new message's recording name, unique across restarts:
// vm/<box>/msg-<UTC time>-<process tag><counter>.
func (s *Service) messageName(mailbox string, at time.Time) string {
	n := s.sequence.Add(1)
	return mailboxDir(mailbox) + fmt.Sprintf("msg-%s-%s%d", at.UTC().Format("20060102T150405"), s.tag, n)
}

// sayGoodbye plays media then vm-goodbye and hangs up.
func (s *Service) sayGoodbye(ctx context.Context, c *core.Call, media ...string) error {
	if c.Caller.Gone {
		return nil
	}
	if err := c.Play(ctx, c.Caller, append(media, "sound:vm-goodbye")...); err != nil {
		return gone(err)
	}
	return gone(c.Hangup(ctx, c.Caller, "normal"))
}

// dropRecording deletes a stored recording that is not kept.
func (s *Service) dropRecording(ctx context.Context, c *core.Call, name string) {
	ctx = context.WithoutCancel(ctx)
	ok, err := storedRecording(ctx, c.Client(), name)
	if err == nil && ok {
		err = c.Client().Recordings().DeleteStored(ctx, name)
	}
	if err != nil {
		s.log.WarnContext(ctx, "drop recording failed", "recording", name, "err", err)
	}
}

// callerName is the caller's name: the calling extension's, the channel's
// caller id name, or the phonebook's as seen by the mailbox owner.
func callerName(ctx context.Context, env *feature.Env, req *feature.Request, mailbox string) string {
	if req.Caller != nil {
		return req.Caller.Name
	}
	if n := strings.TrimSpace(req.Call.Caller.Channel.Caller.Name); n != "" {
		return n
	}
	if req.CallerNumber == "" {
		return ""
	}
	n, err := env.Directory.ContactName(ctx, req.CallerNumber, mailbox)
	if err != nil {
		return ""
	}
	return n
}

// hungUp is gone(err), and also nil when the caller goes within settleTime
// of err: the mailbox menu runs many kinds of requests (recordings, file
// moves, variable reads), and one that meets a channel being hung up can
// fail otherwise than "gone" before the hang-up's events arrive.
func (s *Service) hungUp(ctx context.Context, c *core.Call, err error) error {
	if gone(err) == nil {
		return nil
	}
	for !c.Caller.Gone {
		if _, nerr := s.nextWithin(ctx, c, settleTime); nerr != nil {
			break
		}
	}
	if c.Caller.Gone {
		return nil
	}
	return err
}

// gone turns the caller hanging up into a normal end of the feature. Every
// medium voicemail plays goes to the caller, so the leg gone there is the
// caller too: on Asterisk a play can meet the hung-up channel (404) before
// the hang-up event has marked the caller gone.
func gone(err error) error {
	if errors.Is(err, core.ErrCallerGone) || errors.Is(err, core.ErrLegGone) {
		return nil
	}
	return err
}
