// Package audio holds the signal processing the scenario harness uses to make
// assertions on what a real SIP phone heard: tone synthesis, G.711 µ-law
// coding, Goertzel tone detection, energy and prompt matching. Everything
// works on 8 kHz signed 16-bit mono samples, the rate of the calls the harness
// places.
package audio

import (
	"math"
	"sort"
)

// SampleRate is the sample rate of every signal in this package.
const SampleRate = 8000

// FrameSamples is the number of samples in one 20 ms RTP frame.
const FrameSamples = SampleRate / 50

// Sine returns n samples of a sine of freq Hz with the given peak amplitude,
// starting at sample offset start (so consecutive calls join without a click).
func Sine(freq float64, amplitude float64, start, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		v := amplitude * math.Sin(2*math.Pi*freq*float64(start+i)/SampleRate)
		out[i] = int16(math.Round(v))
	}
	return out
}

// Add mixes b into a sample by sample, saturating; it returns a.
func Add(a, b []int16) []int16 {
	for i := range a {
		if i >= len(b) {
			break
		}
		s := int32(a[i]) + int32(b[i])
		if s > math.MaxInt16 {
			s = math.MaxInt16
		}
		if s < math.MinInt16 {
			s = math.MinInt16
		}
		a[i] = int16(s)
	}
	return a
}

// RMS reports the root mean square of samples (0 for none).
func RMS(samples []int16) float64 {
	if len(samples) == 0 {
		return 0
	}
	var sum float64
	for _, s := range samples {
		f := float64(s)
		sum += f * f
	}
	return math.Sqrt(sum / float64(len(samples)))
}

// DBFS reports the level of samples relative to a full-scale sine, in dB;
// digital silence reports -120.
func DBFS(samples []int16) float64 {
	r := RMS(samples)
	if r < 1e-9 {
		return -120
	}
	return 20 * math.Log10(r/(math.MaxInt16/math.Sqrt2))
}

// Goertzel reports, for one block of samples, the amplitude of the component
// at freq Hz and the share of the block's energy that lies in it (0..1). A
// pure sine at freq gives a share near 1; a sine at another frequency, speech
// or silence a share near 0.
func Goertzel(samples []int16, freq float64) (amplitude, share float64) {
	n := len(samples)
	if n == 0 {
		return 0, 0
	}
	w := 2 * math.Pi * freq / SampleRate
	coeff := 2 * math.Cos(w)
	var s1, s2, energy float64
	for _, x := range samples {
		f := float64(x)
		energy += f * f
		s0 := f + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	power := s1*s1 + s2*s2 - coeff*s1*s2
	if power < 0 {
		power = 0
	}
	amplitude = 2 * math.Sqrt(power) / float64(n)
	if energy < 1e-9 {
		return amplitude, 0
	}
	share = 2 * power / (float64(n) * energy)
	if share > 1 {
		share = 1
	}
	return amplitude, share
}

// ToneDetector decides whether a tone is present in a recording.
type ToneDetector struct {
	// Freq is the tone's frequency in Hz.
	Freq float64
	// MinAmplitude is the least peak amplitude of the tone (default 300,
	// about -40 dBFS).
	MinAmplitude float64
	// MinShare is the least share of a block's energy the tone must carry
	// (default 0.2, so a tone mixed with another one still counts).
	MinShare float64
	// Block is the analysis block in samples (default 400, 50 ms: 20 Hz
	// resolution).
	Block int
}

func (d ToneDetector) withDefaults() ToneDetector {
	if d.MinAmplitude == 0 {
		d.MinAmplitude = 300
	}
	if d.MinShare == 0 {
		d.MinShare = 0.2
	}
	if d.Block == 0 {
		d.Block = 400
	}
	return d
}

// Coverage reports the share of whole blocks of samples in which the tone is
// present (0 when samples holds no whole block).
func (d ToneDetector) Coverage(samples []int16) float64 {
	d = d.withDefaults()
	blocks, hits := 0, 0
	for off := 0; off+d.Block <= len(samples); off += d.Block {
		blocks++
		amp, share := Goertzel(samples[off:off+d.Block], d.Freq)
		if amp >= d.MinAmplitude && share >= d.MinShare {
			hits++
		}
	}
	if blocks == 0 {
		return 0
	}
	return float64(hits) / float64(blocks)
}

// Envelope reports the level in dBFS of each consecutive block of the given
// number of samples; it is the fingerprint prompt matching compares.
func Envelope(samples []int16, block int) []float64 {
	out := make([]float64, 0, len(samples)/block)
	for off := 0; off+block <= len(samples); off += block {
		out = append(out, max(DBFS(samples[off:off+block]), EnvelopeFloor))
	}
	return out
}

// EnvelopeFloor is the lowest level Envelope reports, in dBFS: quieter blocks
// are all alike (line noise, comfort noise, digital silence).
const EnvelopeFloor = -60.0

// EnvelopeBlock is the block size (20 ms) MatchPrompt uses.
const EnvelopeBlock = FrameSamples

// MatchPrompt looks for prompt inside heard and reports the best normalised
// cross-correlation of the samples (-1..1) and the sample offset in heard
// where the prompt starts at that match. It first ranks block offsets by how
// well the level envelopes correlate, then refines the best candidates sample
// by sample. A prompt played through G.711 and heard whole scores above 0.9;
// unrelated audio scores near 0. It reports 0, -1 when heard is shorter than
// prompt.
func MatchPrompt(heard, prompt []int16) (corr float64, offset int) {
	h := Envelope(heard, EnvelopeBlock)
	p := Envelope(prompt, EnvelopeBlock)
	if len(p) == 0 || len(h) < len(p) {
		return 0, -1
	}
	type cand struct {
		at int
		c  float64
	}
	var cands []cand
	for at := 0; at+len(p) <= len(h); at++ {
		cands = append(cands, cand{at, pearson(h[at:at+len(p)], p)})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].c > cands[j].c })
	if len(cands) > 5 {
		cands = cands[:5]
	}
	best, bestAt := 0.0, -1
	for _, c := range cands {
		from := max(0, c.at*EnvelopeBlock-EnvelopeBlock)
		to := min(len(heard)-len(prompt), c.at*EnvelopeBlock+EnvelopeBlock)
		for off := from; off <= to; off++ {
			if v := ncc(heard[off:off+len(prompt)], prompt); v > best || bestAt < 0 {
				best, bestAt = v, off
			}
		}
	}
	return best, bestAt
}

// ncc is the normalised cross-correlation of two equally long signals.
func ncc(a, b []int16) float64 {
	var ab, aa, bb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	if aa < 1e-9 || bb < 1e-9 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

func pearson(a, b []float64) float64 {
	n := float64(len(a))
	var sa, sb float64
	for i := range a {
		sa += a[i]
		sb += b[i]
	}
	ma, mb := sa/n, sb/n
	var cov, va, vb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		cov += da * db
		va += da * da
		vb += db * db
	}
	if va < 1e-9 || vb < 1e-9 {
		return 0
	}
	return cov / math.Sqrt(va*vb)
}

// TrimSilence drops the leading and trailing 20 ms blocks of samples whose
// level is below floor dBFS; prompts start and end with such pauses, which a
// phone may not receive whole when the call ends right after the prompt.
func TrimSilence(samples []int16, floor float64) []int16 {
	start, end := 0, len(samples)
	for start+FrameSamples <= end && DBFS(samples[start:start+FrameSamples]) < floor {
		start += FrameSamples
	}
	for end-FrameSamples >= start && DBFS(samples[end-FrameSamples:end]) < floor {
		end -= FrameSamples
	}
	if DBFS(samples[start:end]) < floor {
		return samples[:0] // a tail shorter than a block, silent too
	}
	return samples[start:end]
}
