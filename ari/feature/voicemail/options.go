package voicemail

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-pbx/switchboard/ari"

	"github.com/switchboard-pbx/switchboard/ari/core"
)

// maxPassword is the store's longest voicemail PIN.
const maxPassword = 16

// options is Comedian Mail's mailbox options menu: 1 unavailable greeting,
// 2 busy greeting, 3 name, 4 temporary greeting, 5 password, * or # back.
// While a temporary greeting is on, the menu says so first.
func (ss *session) options(ctx context.Context) error {
	for silent := 0; silent < maxSilentTurns; {
		prompt := []string{"sound:vm-options"}
		temp, err := findGreeting(ctx, ss.c.Client(), ss.box, greetTemp)
		if err != nil {
			return err
		}
		if temp != "" {
			prompt = append([]string{"sound:vm-tmpexists"}, prompt...)
		}
		key, err := ss.c.Collect(ctx, ss.c.Caller, oneKey(prompt...))
		if err != nil {
			return err
		}
		switch key {
		case "":
			silent++
			continue
		case "1":
			err = ss.recordGreeting(ctx, greetUnavail, "sound:vm-rec-unv")
		case "2":
			err = ss.recordGreeting(ctx, greetBusy, "sound:vm-rec-busy")
		case "3":
			err = ss.recordGreeting(ctx, greetName, "sound:vm-rec-name")
		case "4":
			err = ss.tempGreeting(ctx, temp != "")
		case "5":
			err = ss.changePassword(ctx)
		case "*", "#":
			return nil
		default:
			err = ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry")
		}
		if err != nil {
			return err
		}
		silent = 0
	}
	return nil
}

// recordGreeting records one of the mailbox's greetings over the old one.
func (ss *session) recordGreeting(ctx context.Context, kind, prompt string) error {
	if err := ss.c.Play(ctx, ss.c.Caller, prompt); err != nil {
		return err
	}
	name := greetingName(ss.box, kind)
	rec, err := ss.s.record(ctx, ss.c, name, true)
	if err != nil {
		return err
	}
	if !rec.Stored || rec.Duration < 1 {
		// A silent greeting must not replace the default one.
		ss.s.dropRecording(ctx, ss.c, name)
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-tooshort")
	}
	ss.c.Trace(ctx, "voicemail", "recorded "+kind+" for "+ss.box)
	ss.log.InfoContext(ctx, "voicemail greeting recorded", "greeting", kind, "seconds", rec.Duration)
	return ss.c.Play(ctx, ss.c.Caller, "sound:vm-msgsaved")
}

// tempGreeting is option 4 (Comedian's vm_tempgreeting): without a
// temporary greeting it records one; with one it offers 1 record it anew,
// 2 erase it, * back.
func (ss *session) tempGreeting(ctx context.Context, exists bool) error {
	if !exists {
		return ss.recordGreeting(ctx, greetTemp, "sound:vm-rec-temp")
	}
	for silent := 0; silent < maxSilentTurns; {
		key, err := ss.c.Collect(ctx, ss.c.Caller, oneKey("sound:vm-tempgreeting2"))
		if err != nil {
			return err
		}
		switch key {
		case "":
			silent++
		case "1":
			return ss.recordGreeting(ctx, greetTemp, "sound:vm-rec-temp")
		case "2":
			for _, name := range []string{greetingName(ss.box, greetTemp), flatGreetingName(ss.box, greetTemp)} {
				if err := ss.c.Client().Recordings().DeleteStored(ctx, name); err != nil && !errors.Is(err, ari.ErrNotFound) {
					return fmt.Errorf("voicemail %s: erase the temporary greeting: %w", ss.box, err)
				}
			}
			ss.c.Trace(ctx, "voicemail", "temporary greeting erased for "+ss.box)
			ss.log.InfoContext(ctx, "voicemail temporary greeting erased")
			return ss.c.Play(ctx, ss.c.Caller, "sound:vm-tempremoved")
		case "*", "#":
			return nil
		default:
			if err := ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry"); err != nil {
				return err
			}
		}
	}
	return nil
}

// changePassword asks for a new password twice: digits only, at least
// MinPassword long.
func (ss *session) changePassword(ctx context.Context) error {
	first, err := ss.c.Collect(ctx, ss.c.Caller, core.CollectOptions{Prompt: []string{"sound:vm-newpassword"}})
	if err != nil {
		return err
	}
	if !validPassword(first, ss.s.o.MinPassword) {
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-invalid-password")
	}
	again, err := ss.c.Collect(ctx, ss.c.Caller, core.CollectOptions{Prompt: []string{"sound:vm-reenterpassword"}})
	if err != nil {
		return err
	}
	if again != first {
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-mismatch")
	}
	if ss.s.o.Passwords == nil {
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry")
	}
	if err := ss.s.o.Passwords.SetVoicemailPassword(ctx, ss.box, first); err != nil {
		ss.log.ErrorContext(ctx, "voicemail password change failed", "err", err)
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry")
	}
	ss.ext.VoicemailPassword = first
	ss.c.Trace(ctx, "voicemail", "password changed for "+ss.box)
	return ss.c.Play(ctx, ss.c.Caller, "sound:vm-passchanged")
}

// validPassword reports whether p is digits only, min to maxPassword long.
func validPassword(p string, minLen int) bool {
	if len(p) < minLen || len(p) > maxPassword {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
