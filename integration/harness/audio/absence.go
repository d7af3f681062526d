package audio

import "time"

// Received is what a phone got over a span of wall time. Asterisk sends no
// RTP at all to a channel that hears nobody (the pager of a one-way page:
// its only peer is muted), so "nothing arrived" must count as silence, not
// as "too little audio to decide".
type Received struct {
	// Samples are the samples that arrived.
	Samples []int16
	// Span is the wall time over which they could have arrived.
	Span time.Duration
}

// WithSilence returns the samples padded with silence to the length of
// Span: the samples that never arrived are what a phone plays when no RTP
// comes, silence. Samples longer than Span are returned as they are.
func (r Received) WithSilence() []int16 {
	want := int(r.Span.Seconds() * SampleRate)
	if len(r.Samples) >= want {
		return r.Samples
	}
	out := make([]int16, want)
	copy(out, r.Samples)
	return out
}

// ToneAbsent decides whether the tone was absent over at least span of
// wall time: it waits (decided false) until Span reaches span, then reports
// absent when the tone is in at most maxShare of the blocks of the
// silence-padded audio. A tone that did arrive counts whatever the gaps.
func (d ToneDetector) ToneAbsent(r Received, span time.Duration, maxShare float64) (absent, decided bool) {
	if r.Span < span {
		return false, false
	}
	return d.Coverage(r.WithSilence()) <= maxShare, true
}
