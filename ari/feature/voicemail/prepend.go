package voicemail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/store"
)

// forwardChoiceWait is how long Comedian's vm_forwardoptions waits for a
// key after its prompt; forwardChoiceRounds how often it asks.
const (
	forwardChoiceWait   = 6 * time.Second
	forwardChoiceRounds = 4
)

// errForwardCancelled means the caller pressed * (or nothing) at "1 to
// prepend a message, 2 to forward without prepending".
var errForwardCancelled = errors.New("voicemail: forward cancelled")

// forwardOptions is Comedian's vm_forwardoptions: "press 1 to prepend a
// message, 2 to forward without prepending, * for the main menu". It
// reports whether to prepend; errForwardCancelled when the caller pressed
// * or nothing four times.
func (ss *session) forwardOptions(ctx context.Context) (bool, error) {
	for round := 0; round < forwardChoiceRounds; round++ {
		key, err := ss.c.Collect(ctx, ss.c.Caller, core.CollectOptions{
			Prompt: []string{"sound:vm-forwardoptions", "sound:vm-starmain"},
			Max:    1, Terminator: "none", FirstTimeout: forwardChoiceWait})
		if err != nil {
			return false, err
		}
		switch key {
		case "1":
			return true, nil
		case "2":
			return false, nil
		case "*":
			return false, errForwardCancelled
		case "":
		default:
			if err := ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry"); err != nil {
				return false, err
			}
		}
	}
	return false, errForwardCancelled
}

// introName is the recording name of the introduction that goes with the
// forwarded copy dst: vm/<box>/intro-… beside vm/<box>/msg-….
func introName(dst string) string { return strings.Replace(dst, "/msg-", "/intro-", 1) }

// recordIntro records the forwarder's introduction for the copy dst
// ("record your message after the tone, then press pound", beep) and
// reports its length in seconds; 0 when it is too short to keep (it is
// then deleted and the message goes without one). A caller hanging up
// cancels the forward: the introduction is deleted and ErrCallerGone
// returned.
func (ss *session) recordIntro(ctx context.Context, dst string) (int, error) {
	s, name := ss.s, introName(dst)
	if err := ss.c.Play(ctx, ss.c.Caller, "sound:vm-record-prepend"); err != nil {
		return 0, err
	}
	rec, err := s.record(ctx, ss.c, name, false)
	if err != nil {
		s.dropRecording(ctx, ss.c, name)
		return 0, err
	}
	if !rec.Stored || time.Duration(rec.Duration)*time.Second < s.o.MinMessage {
		s.dropRecording(ctx, ss.c, name)
		ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s: introduction too short, forwarded without it", ss.box))
		return 0, nil
	}
	ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s recorded a %d s introduction", ss.box, rec.Duration))
	return rec.Duration, nil
}

// withIntro sets the copy's introduction: its WAV, and the duration of
// both, which is what the recipient hears.
func (s *Service) withIntro(cp *store.VoicemailMessage, dst string, seconds int) {
	if seconds <= 0 {
		return
	}
	cp.IntroPath = s.filePath(introName(dst))
	cp.DurationSec += seconds
}
