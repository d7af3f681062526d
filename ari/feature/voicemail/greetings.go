package voicemail

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/store"
)

// Greeting kinds, also the last part of their recording names.
const (
	greetBusy    = "greet-busy"
	greetUnavail = "greet-unavail"
	greetName    = "greet-name"
	// greetTemp is the temporary greeting: while it exists callers hear it
	// instead of the busy and the unavailable greeting.
	greetTemp = "greet-temp"
)

// mailboxDir is the folder of a mailbox's recordings (messages and
// greetings): vm/<box>/, below Asterisk's recording folder. Asterisk creates
// it on the first recording; names with "/" go to ARI percent-encoded.
func mailboxDir(mailbox string) string { return "vm/" + mailbox + "/" }

// greetingName is the recording name of one of a mailbox's greetings.
func greetingName(mailbox, kind string) string { return mailboxDir(mailbox) + kind }

// storedRecording reports whether Asterisk holds a recording called name.
func storedRecording(ctx context.Context, c *ari.Client, name string) (bool, error) {
	if _, err := c.Recordings().GetStored(ctx, name); err != nil {
		if errors.Is(err, ari.ErrNotFound) {
			return false, nil
		}
		return false, fmt.Errorf("stored recording %s: %w", name, err)
	}
	return true, nil
}

// flatGreetingName is where greetings were recorded before they moved into
// the mailbox's folder: vm-<box>-<kind>.
func flatGreetingName(mailbox, kind string) string { return "vm-" + mailbox + "-" + kind }

// findGreeting is the recording name of one of a mailbox's greetings: in
// its folder, else under the old flat name; "" when there is neither.
func findGreeting(ctx context.Context, c *ari.Client, mailbox, kind string) (string, error) {
	for _, name := range []string{greetingName(mailbox, kind), flatGreetingName(mailbox, kind)} {
		ok, err := storedRecording(ctx, c, name)
		if err != nil {
			return "", err
		}
		if ok {
			return name, nil
		}
	}
	return "", nil
}

// greeting is the media a caller hears before the beep: the temporary
// greeting when there is one, else the recorded busy or unavailable
// greeting, else the default one (with the recorded name instead of the
// digits when there is one), then vm-intro.
func greeting(ctx context.Context, c *ari.Client, mailbox, reason string) ([]string, error) {
	temp, err := findGreeting(ctx, c, mailbox, greetTemp)
	if err != nil {
		return nil, err
	}
	if temp != "" {
		return []string{"recording:" + temp, "sound:vm-intro"}, nil
	}
	kind := greetUnavail
	if reason == "busy" {
		kind = greetBusy
	}
	own, err := findGreeting(ctx, c, mailbox, kind)
	if err != nil {
		return nil, err
	}
	if own != "" {
		return []string{"recording:" + own, "sound:vm-intro"}, nil
	}
	name, err := findGreeting(ctx, c, mailbox, greetName)
	if err != nil {
		return nil, err
	}
	return defaultGreeting(mailbox, reason, name), nil
}

// defaultGreeting is "the person at extension <digits, or the recorded
// name> is on the phone / is unavailable", then vm-intro.
func defaultGreeting(mailbox, reason, nameRecording string) []string {
	who := "digits:" + mailbox
	if nameRecording != "" {
		who = "recording:" + nameRecording
	}
	tail := "sound:vm-isunavail"
	if reason == "busy" {
		tail = "sound:vm-isonphone"
	}
	return []string{"sound:vm-theperson", who, tail, "sound:vm-intro"}
}

// filePath is where a recording's WAV lies as the app sees it.
func (s *Service) filePath(name string) string {
	if s.o.RecordingDir == "" {
		return name + ".wav"
	}
	return filepath.Join(s.o.RecordingDir, filepath.FromSlash(name)+".wav")
}

// recordingName is the recording name of a stored message (its FilePath
// relative to RecordingDir, without .wav).
func (s *Service) recordingName(m *store.VoicemailMessage) string {
	return s.nameOf(m.FilePath)
}

// nameOf is the recording name of a WAV below RecordingDir.
func (s *Service) nameOf(p string) string {
	if s.o.RecordingDir != "" {
		if rel, err := filepath.Rel(s.o.RecordingDir, p); err == nil {
			p = rel
		}
	}
	return strings.TrimSuffix(filepath.ToSlash(p), ".wav")
}

// messageMedia is what plays a message: its introduction (a forwarder's
// prepended recording) when it has one, then the message.
func (s *Service) messageMedia(m *store.VoicemailMessage) []string {
	if m.IntroPath == "" {
		return []string{"recording:" + s.recordingName(m)}
	}
	return []string{"recording:" + s.nameOf(m.IntroPath), "recording:" + s.recordingName(m)}
}
