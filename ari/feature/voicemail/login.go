package voicemail

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/store"
)

// serveMy is FC-VM-MY (*61#): the caller's own mailbox, password asked.
func (s *Service) serveMy(ctx context.Context, env *feature.Env, req *feature.Request) error {
	c := req.Call
	c.SetState(ctx, core.StateFeature, "voicemail menu")
	if err := c.Answer(ctx); err != nil {
		return gone(err)
	}
	if req.Caller == nil {
		c.Trace(ctx, "voicemail", "own mailbox asked from outside")
		return s.sayGoodbye(ctx, c, "sound:vm-nobox")
	}
	ext, err := s.login(ctx, env, req, req.Caller.Number)
	if err != nil || ext == nil {
		return gone(err)
	}
	return s.hungUp(ctx, c, s.menu(ctx, env, req, ext))
}

// serveMain is FC-VM-MAIN (*60#): mailbox number, then password.
func (s *Service) serveMain(ctx context.Context, env *feature.Env, req *feature.Request) error {
	c := req.Call
	c.SetState(ctx, core.StateFeature, "voicemail menu")
	if err := c.Answer(ctx); err != nil {
		return gone(err)
	}
	ext, err := s.login(ctx, env, req, "")
	if err != nil || ext == nil {
		return gone(err)
	}
	return s.hungUp(ctx, c, s.menu(ctx, env, req, ext))
}

// login asks for the password of mailbox (and first for the mailbox when
// it is ""), at most LoginAttempts times. It returns the extension, or nil
// after saying goodbye and hanging up. A caller id never authenticates:
// a mailbox without a password cannot be entered.
func (s *Service) login(ctx context.Context, env *feature.Env, req *feature.Request, mailbox string) (*store.Extension, error) {
	c := req.Call
	ask := mailbox == ""
	incorrect := "sound:vm-incorrect"
	if ask {
		incorrect = "sound:vm-incorrect-mailbox"
	}
	for attempt := 1; attempt <= s.o.LoginAttempts; attempt++ {
		box := mailbox
		if ask {
			var err error
			box, err = c.Collect(ctx, c.Caller, core.CollectOptions{Prompt: []string{"sound:vm-login"}})
			if err != nil {
				return nil, err
			}
		}
		pin, err := c.Collect(ctx, c.Caller, core.CollectOptions{Prompt: []string{"sound:vm-password"}})
		if err != nil {
			return nil, err
		}
		ext, lerr := env.Directory.Extension(ctx, box)
		known := lerr == nil
		if known {
			until, err := s.lock.LockedUntil(ctx, box, c.Now())
			if err != nil {
				return nil, fmt.Errorf("voicemail login %s: %w", box, err)
			}
			if !until.IsZero() {
				c.Trace(ctx, "voicemail-login", fmt.Sprintf("mailbox %s is locked until %s", box, until.UTC().Format(time.RFC3339)))
				return nil, s.sayGoodbye(ctx, c)
			}
		}
		if known && ext.VoicemailPassword != "" &&
			subtle.ConstantTimeCompare([]byte(pin), []byte(ext.VoicemailPassword)) == 1 {
			if err := s.lock.LoginSucceeded(ctx, box); err != nil {
				env.Logger(req, "voicemail").WarnContext(ctx, "voicemail failed log-ins not cleared", "mailbox", box, "err", err)
			}
			c.Trace(ctx, "voicemail-login", "mailbox "+box)
			return ext, nil
		}
		c.Trace(ctx, "voicemail-login", fmt.Sprintf("wrong password for mailbox %q (attempt %d)", box, attempt))
		if known {
			until, err := s.lock.LoginFailed(ctx, box, c.Now(), s.policy())
			if err != nil {
				return nil, fmt.Errorf("voicemail login %s: %w", box, err)
			}
			if !until.IsZero() {
				c.Trace(ctx, "voicemail-login", fmt.Sprintf("mailbox %s locked until %s", box, until.UTC().Format(time.RFC3339)))
				env.Logger(req, "voicemail").WarnContext(ctx, "mailbox locked after repeated wrong passwords",
					"mailbox", box, "for", s.o.LockFor)
				return nil, s.sayGoodbye(ctx, c)
			}
		}
		if err := c.Play(ctx, c.Caller, incorrect); err != nil {
			return nil, err
		}
	}
	return nil, s.sayGoodbye(ctx, c)
}
