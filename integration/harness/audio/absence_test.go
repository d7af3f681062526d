package audio

import (
	"testing"
	"time"
)

func TestNothingReceivedForTheWholeSpanCountsAsNoTone(t *testing.T) {
	det := ToneDetector{Freq: 600}
	absent, decided := det.ToneAbsent(Received{Span: 1500 * time.Millisecond}, 1500*time.Millisecond, 0.05)
	if !decided || !absent {
		t.Fatalf("no RTP for 1.5 s: absent=%v decided=%v, want absent and decided", absent, decided)
	}
}

func TestNoDecisionBeforeTheSpanHasPassed(t *testing.T) {
	det := ToneDetector{Freq: 600}
	if _, decided := det.ToneAbsent(Received{Span: time.Second}, 1500*time.Millisecond, 0.05); decided {
		t.Fatal("decided after 1 s of a 1.5 s span")
	}
}

func TestAToneThatGetsThroughIsNotAbsentEvenWithGaps(t *testing.T) {
	det := ToneDetector{Freq: 600}
	// 0.3 s of tone through µ-law, then nothing for the rest of 1.5 s.
	tone := DecodeUlaw(EncodeUlaw(Sine(600, 10000, 0, SampleRate*3/10)))
	absent, decided := det.ToneAbsent(Received{Samples: tone, Span: 1500 * time.Millisecond}, 1500*time.Millisecond, 0.05)
	if !decided || absent {
		t.Fatalf("0.3 s of 600 Hz then silence: absent=%v decided=%v, want not absent", absent, decided)
	}
	// The whole span of tone, as over an intercom call.
	tone = DecodeUlaw(EncodeUlaw(Sine(600, 10000, 0, SampleRate*3/2)))
	if absent, _ := det.ToneAbsent(Received{Samples: tone, Span: 1500 * time.Millisecond}, 1500*time.Millisecond, 0.05); absent {
		t.Fatal("1.5 s of 600 Hz judged absent")
	}
}

func TestOtherAudioWithoutTheToneIsAbsent(t *testing.T) {
	det := ToneDetector{Freq: 600}
	other := DecodeUlaw(EncodeUlaw(Sine(1000, 10000, 0, SampleRate)))
	absent, decided := det.ToneAbsent(Received{Samples: other, Span: 1500 * time.Millisecond}, 1500*time.Millisecond, 0.05)
	if !decided || !absent {
		t.Fatalf("1 s of 1000 Hz: absent=%v decided=%v, want 600 Hz absent", absent, decided)
	}
}

func TestWithSilenceKeepsWhatArrivedAndPadsTheRest(t *testing.T) {
	r := Received{Samples: []int16{5, 6, 7}, Span: time.Millisecond}
	got := r.WithSilence()
	if len(got) != 8 || got[0] != 5 || got[2] != 7 || got[3] != 0 || got[7] != 0 {
		t.Fatalf("WithSilence = %v, want 5 6 7 then zeros to 8 samples", got)
	}
	long := Received{Samples: make([]int16, 100), Span: time.Millisecond}
	if len(long.WithSilence()) != 100 {
		t.Fatal("samples longer than the span were cut")
	}
}
