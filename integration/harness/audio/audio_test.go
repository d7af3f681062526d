package audio

import (
	"math/rand"
	"testing"
)

func noise(seed int64, amplitude float64, n int) []int16 {
	r := rand.New(rand.NewSource(seed))
	out := make([]int16, n)
	for i := range out {
		out[i] = int16((r.Float64()*2 - 1) * amplitude)
	}
	return out
}

func TestToneDetectorFindsToneThroughUlaw(t *testing.T) {
	tone := DecodeUlaw(EncodeUlaw(Sine(1000, 8000, 0, SampleRate)))
	if c := (ToneDetector{Freq: 1000}).Coverage(tone); c < 0.95 {
		t.Fatalf("coverage of a 1 kHz tone = %.2f, want >= 0.95", c)
	}
}

func TestToneDetectorIgnoresOtherFrequencies(t *testing.T) {
	for _, f := range []float64{600, 800, 1200} {
		tone := Sine(f, 8000, 0, SampleRate)
		if c := (ToneDetector{Freq: 1000}).Coverage(tone); c > 0 {
			t.Errorf("a %v Hz tone counted as 1 kHz in %.2f of blocks", f, c)
		}
	}
}

func TestToneDetectorIgnoresSilenceAndNoise(t *testing.T) {
	if c := (ToneDetector{Freq: 1000}).Coverage(make([]int16, SampleRate)); c != 0 {
		t.Errorf("silence coverage = %.2f", c)
	}
	if c := (ToneDetector{Freq: 1000}).Coverage(noise(1, 3000, SampleRate)); c > 0.05 {
		t.Errorf("white noise coverage = %.2f", c)
	}
}

func TestToneDetectorFindsBothTonesOfAMix(t *testing.T) {
	mix := Add(Sine(1000, 6000, 0, SampleRate), Sine(600, 6000, 0, SampleRate))
	for _, f := range []float64{1000, 600} {
		if c := (ToneDetector{Freq: f}).Coverage(mix); c < 0.95 {
			t.Errorf("coverage of %v Hz in a mix = %.2f", f, c)
		}
	}
	if c := (ToneDetector{Freq: 800}).Coverage(mix); c > 0 {
		t.Errorf("800 Hz found in a 600+1000 Hz mix: %.2f", c)
	}
}

func TestToneDetectorIgnoresAFaintTone(t *testing.T) {
	if c := (ToneDetector{Freq: 1000}).Coverage(Sine(1000, 50, 0, SampleRate)); c != 0 {
		t.Errorf("a -56 dBFS tone counted: %.2f", c)
	}
}

func TestDBFSOfFullScaleSineIsZero(t *testing.T) {
	if d := DBFS(Sine(1000, 32767, 0, SampleRate)); d < -0.1 || d > 0.1 {
		t.Fatalf("DBFS = %.2f", d)
	}
	if d := DBFS(make([]int16, 100)); d != -120 {
		t.Fatalf("DBFS of silence = %.2f", d)
	}
}

// speechLike builds a signal whose level varies like words and pauses.
func speechLike(seed int64, n int) []int16 {
	r := rand.New(rand.NewSource(seed))
	out := make([]int16, 0, n)
	for len(out) < n {
		seg := 400 + r.Intn(2400)
		amp := 0.0
		if r.Intn(3) > 0 {
			amp = 1000 + r.Float64()*9000
		}
		out = append(out, noise(r.Int63(), amp, seg)...)
	}
	return out[:n]
}

func TestMatchPromptFindsThePromptInsideARecording(t *testing.T) {
	prompt := speechLike(7, 2*SampleRate)
	heard := append(make([]int16, 3000), DecodeUlaw(EncodeUlaw(prompt))...)
	heard = append(heard, make([]int16, 4000)...)
	corr, off := MatchPrompt(heard, prompt)
	if corr < 0.9 {
		t.Fatalf("correlation = %.2f, want >= 0.9", corr)
	}
	if off != 3000 {
		t.Fatalf("offset = %d, want 3000", off)
	}
}

func TestMatchPromptRejectsOtherAudio(t *testing.T) {
	prompt := speechLike(7, 2*SampleRate)
	other := speechLike(99, 4*SampleRate)
	if corr, _ := MatchPrompt(other, prompt); corr > 0.3 {
		t.Fatalf("unrelated audio correlates %.2f", corr)
	}
	if corr, _ := MatchPrompt(Sine(1000, 8000, 0, 4*SampleRate), prompt); corr > 0.3 {
		t.Fatalf("a steady tone correlates %.2f", corr)
	}
	if corr, off := MatchPrompt(prompt[:100], prompt); corr != 0 || off != -1 {
		t.Fatalf("short recording: %.2f at %d", corr, off)
	}
}

func TestWAVRoundTrip(t *testing.T) {
	in := Sine(440, 10000, 0, 1234)
	out, err := ParseWAV(EncodeWAV(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("len %d, want %d", len(out), len(in))
	}
	for i := range in {
		if in[i] != out[i] {
			t.Fatalf("sample %d: %d != %d", i, out[i], in[i])
		}
	}
	if _, err := ParseWAV([]byte("RIFF....WAVEjunk")); err == nil {
		t.Fatal("garbage parsed")
	}
}

func TestTrimSilenceKeepsOnlyTheSoundingPart(t *testing.T) {
	s := append(make([]int16, 800), Sine(500, 8000, 0, 1600)...)
	s = append(s, make([]int16, 480)...)
	got := TrimSilence(s, -50)
	if len(got) != 1600 {
		t.Fatalf("kept %d samples, want 1600", len(got))
	}
	if len(TrimSilence(make([]int16, 1000), -50)) != 0 {
		t.Fatal("silence was not trimmed away")
	}
}
