package sipphone

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/integration/harness/audio"
)

// pair starts callee b and a caller a whose "registrar" is b itself, so that
// a's calls go straight to b.
func pair(t *testing.T) (a, b *Phone) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var w io.Writer = io.Discard
	if testing.Verbose() {
		w = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := Start(ctx, Config{User: "202", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	a, err = Start(ctx, Config{User: "201", Registrar: fmt.Sprintf("127.0.0.1:%d", b.Port()), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, b
}

func TestPhonesTalkAndHearEachOthersTones(t *testing.T) {
	a, b := pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ac, err := a.Dial(ctx, "202")
	if err != nil {
		t.Fatal(err)
	}
	bc, err := b.WaitCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bc.WaitState(ctx, Ringing); err != nil {
		t.Fatal(err)
	}
	if bc.CallerID() != "201" {
		t.Errorf("caller id %q, want 201", bc.CallerID())
	}
	if err := bc.Answer(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ac.WaitUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ac.PlayTone(1000); err != nil {
		t.Fatal(err)
	}
	if err := bc.PlayTone(600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	heardB, err := bc.WaitHeard(ctx, bc.HeardLen(), audio.SampleRate/2)
	if err != nil {
		t.Fatal(err)
	}
	heardA, err := ac.WaitHeard(ctx, ac.HeardLen(), audio.SampleRate/2)
	if err != nil {
		t.Fatal(err)
	}
	if c := (audio.ToneDetector{Freq: 1000}).Coverage(heardB); c < 0.9 {
		t.Errorf("b hears 1 kHz in %.2f of blocks", c)
	}
	if c := (audio.ToneDetector{Freq: 600}).Coverage(heardA); c < 0.9 {
		t.Errorf("a hears 600 Hz in %.2f of blocks", c)
	}
	if c := (audio.ToneDetector{Freq: 1000}).Coverage(heardA); c > 0 {
		t.Errorf("a hears its own 1 kHz in %.2f of blocks", c)
	}
	if err := ac.SendDTMF(ctx, "5#"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for bc.DTMFReceived() != "5#" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := bc.DTMFReceived(); got != "5#" {
		t.Errorf("b received DTMF %q, want 5#", got)
	}
	if err := ac.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	end, err := bc.WaitEnded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !end.ByRemote || end.Cause() != 16 {
		t.Errorf("b's ending %+v, want remote BYE", end)
	}
}

func TestRejectedCallEndsWithBusy(t *testing.T) {
	a, b := pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ac, err := a.Dial(ctx, "202")
	if err != nil {
		t.Fatal(err)
	}
	bc, err := b.WaitCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bc.WaitState(ctx, Ringing); err != nil {
		t.Fatal(err)
	}
	if err := bc.Reject(ctx, 486); err != nil {
		t.Fatal(err)
	}
	end, err := ac.WaitEnded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if end.Status != 486 || end.Cause() != 17 || !end.ByRemote {
		t.Errorf("a's ending %+v, want remote 486 (cause 17)", end)
	}
	if a.Current() != nil {
		t.Error("a still has the call after it ended")
	}
}

func TestCallerCancelsWhileRinging(t *testing.T) {
	a, b := pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ac, err := a.Dial(ctx, "202")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ac.WaitState(ctx, Ringing); err != nil {
		t.Fatal(err)
	}
	bc, err := b.WaitCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ac.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	end, err := bc.WaitEnded(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !end.ByRemote || end.Status != 487 {
		t.Errorf("b's ending %+v, want remote CANCEL", end)
	}
}

func TestCalleeSeesTheDialledNumberAndTheCallerIDTheCallerChose(t *testing.T) {
	a, b := pair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ac, err := a.DialWith(ctx, "0301234567", DialOptions{CallerNumber: "4915112345", CallerName: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	bc, err := b.WaitCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bc.Dialled() != "0301234567" || bc.CallerID() != "4915112345" || bc.CallerName() != "Acme" {
		t.Errorf("callee sees dialled %q from %q <%s>, want 0301234567 from \"Acme\" <4915112345>", bc.Dialled(), bc.CallerName(), bc.CallerID())
	}
	if err := ac.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
}
