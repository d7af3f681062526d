package sipphone

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"

	"github.com/switchboard-pbx/switchboard/integration/harness/audio"
)

// ToneAmplitude is the peak amplitude of the tones a phone plays (about
// -10 dBFS).
const ToneAmplitude = 10000

// mediaIO sends a continuous PCMU stream (silence or a tone, with RFC 4733
// DTMF in between) and records every frame received.
type mediaIO struct {
	dtmfW *diago.DTMFWriter
	stopC chan struct{}
	once  sync.Once
	done  sync.WaitGroup

	mu      sync.Mutex
	tone    float64 // Hz, 0 = silence
	heard   []int16
	dtmfIn  []rune
	grew    chan struct{} // closed and replaced when heard or dtmfIn grow
	sendErr error
}

// startMedia starts the sender and the recorder on an answered call.
func (c *Call) startMedia(med *diago.DialogMedia) {
	m := &mediaIO{stopC: make(chan struct{}), grew: make(chan struct{})}
	w, err := med.AudioWriterDTMF()
	if err != nil {
		c.p.log.Warn("no DTMF writer; DTMF will not be sent", "error", err)
	}
	m.dtmfW = w
	var reader io.Reader
	if r, err := med.AudioReaderDTMF(); err == nil {
		r.OnDTMF(func(d rune) error { m.gotDTMF(d); return nil })
		reader = r
	} else {
		c.p.log.Warn("no DTMF reader; DTMF will not be seen", "error", err)
		reader, _ = med.AudioReader()
	}
	var writer io.Writer
	if w != nil {
		writer = w
	} else {
		writer, _ = med.AudioWriter()
	}
	c.mu.Lock()
	c.media = m
	c.mu.Unlock()
	m.done.Add(2)
	go m.send(writer)
	go m.record(reader)
}

func (m *mediaIO) stop() {
	m.once.Do(func() { close(m.stopC) })
}

func (m *mediaIO) notifyLocked() {
	close(m.grew)
	m.grew = make(chan struct{})
}

func (m *mediaIO) gotDTMF(d rune) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dtmfIn = append(m.dtmfIn, d)
	m.notifyLocked()
}

// send writes one 20 ms PCMU frame every 20 ms until the call ends.
func (m *mediaIO) send(w io.Writer) {
	defer m.done.Done()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	pos := 0
	for {
		select {
		case <-m.stopC:
			return
		case <-t.C:
		}
		m.mu.Lock()
		freq := m.tone
		m.mu.Unlock()
		var frame []int16
		if freq > 0 {
			frame = audio.Sine(freq, ToneAmplitude, pos, audio.FrameSamples)
		} else {
			frame = make([]int16, audio.FrameSamples)
		}
		pos += audio.FrameSamples
		if _, err := w.Write(audio.EncodeUlaw(frame)); err != nil {
			m.mu.Lock()
			m.sendErr = err
			m.mu.Unlock()
			return
		}
	}
}

// record reads received frames into heard until the call ends.
func (m *mediaIO) record(r io.Reader) {
	defer m.done.Done()
	buf := make([]byte, media.RTPBufSize)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			samples := audio.DecodeUlaw(buf[:n])
			m.mu.Lock()
			m.heard = append(m.heard, samples...)
			m.notifyLocked()
			m.mu.Unlock()
		}
		if err != nil {
			return
		}
		select {
		case <-m.stopC:
			return
		default:
		}
	}
}

// mediaOf returns the call's media or an error when it has none yet.
func (c *Call) mediaOf() (*mediaIO, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.media == nil {
		return nil, fmt.Errorf("%w: the call has no media (not answered)", ErrNoCall)
	}
	return c.media, nil
}

// PlayTone makes the phone send a sine of freq Hz until StopTone.
func (c *Call) PlayTone(freq float64) error {
	m, err := c.mediaOf()
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.tone = freq
	m.mu.Unlock()
	return nil
}

// StopTone makes the phone send silence again.
func (c *Call) StopTone() error { return c.PlayTone(0) }

// SendDTMF sends digits as RFC 4733 events, one after the other.
func (c *Call) SendDTMF(ctx context.Context, digits string) error {
	m, err := c.mediaOf()
	if err != nil {
		return err
	}
	if m.dtmfW == nil {
		return errors.New("sipphone: telephone-event was not negotiated")
	}
	for _, d := range digits {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := m.dtmfW.WriteDTMF(d); err != nil {
			return fmt.Errorf("sipphone: send DTMF %q: %w", d, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// Heard returns a copy of every sample received so far on the call.
func (c *Call) Heard() []int16 {
	m, err := c.mediaOf()
	if err != nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]int16(nil), m.heard...)
}

// HeardLen reports how many samples were received so far.
func (c *Call) HeardLen() int {
	m, err := c.mediaOf()
	if err != nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.heard)
}

// WaitHeard waits until at least n samples were received and returns them
// from sample from on.
func (c *Call) WaitHeard(ctx context.Context, from, n int) ([]int16, error) {
	m, err := c.mediaOf()
	if err != nil {
		return nil, err
	}
	for {
		m.mu.Lock()
		have, ch := len(m.heard), m.grew
		if have >= from+n {
			out := append([]int16(nil), m.heard[from:from+n]...)
			m.mu.Unlock()
			return out, nil
		}
		m.mu.Unlock()
		select {
		case <-ch:
		case <-m.stopC:
			return nil, fmt.Errorf("%w: call ended after %d of %d samples", ErrNoCall, have-from, n)
		case <-ctx.Done():
			return nil, fmt.Errorf("sipphone: heard %d of %d samples: %w", have-from, n, ctx.Err())
		}
	}
}

// DTMFReceived reports the RFC 4733 digits received so far.
func (c *Call) DTMFReceived() string {
	m, err := c.mediaOf()
	if err != nil {
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return string(m.dtmfIn)
}
