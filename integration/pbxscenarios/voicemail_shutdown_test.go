package pbxscenarios

import (
	"context"
	"testing"
	"time"
)

// The app stopping while a caller speaks keeps what was recorded: the
// recording is stopped (Asterisk stores it) and the message is filed.
func TestMessageIsKeptWhenTheAppStopsWhileTheCallerSpeaks(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), straightToVoicemail("102"))
	runVM(t, []string{"101", "102"}, setup, func(t *testing.T, w *vmWorld) {
		a := w.Phone("101")
		a.Dial("102")
		a.WaitAnswered()
		a.PlayTone(1000)
		a.Hears("vm-isonphone")
		a.Hears("vm-intro")
		a.Hears("beep")
		w.Wait(3 * time.Second)
		w.stop()
		w.Eventually("the message to be filed", 0, func() bool {
			msgs, err := w.st.Voicemail.List(context.Background(), "102", "")
			return err == nil && len(msgs) == 1 && msgs[0].DurationSec >= 2
		})
		msgs, err := w.st.Voicemail.List(context.Background(), "102", "")
		if err != nil {
			t.Fatal(err)
		}
		name := msgs[0].FilePath[:len(msgs[0].FilePath)-len(".wav")]
		if _, err := w.ARI().Recordings().GetStored(w.Context(), name); err != nil {
			t.Errorf("the recording %s is not stored in Asterisk: %v", name, err)
		}
		a.StopTone()
		if a.State() != "ended" && a.State() != "idle" {
			a.Hangup() // the stopped app's Asterisk may have ended it already
		}
	})
}
