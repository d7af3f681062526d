package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"github.com/zaf/g711"
)

// ErrNotPCMWAV is returned by ReadWAV for files that are not 8 kHz 16-bit mono
// PCM WAV.
var ErrNotPCMWAV = errors.New("audio: not an 8 kHz 16-bit mono PCM WAV file")

// EncodeUlaw returns the G.711 µ-law (PCMU) bytes of samples.
func EncodeUlaw(samples []int16) []byte {
	out := make([]byte, len(samples))
	for i, s := range samples {
		out[i] = g711.EncodeUlawFrame(s)
	}
	return out
}

// DecodeUlaw returns the samples of G.711 µ-law (PCMU) bytes.
func DecodeUlaw(ulaw []byte) []int16 {
	out := make([]int16, len(ulaw))
	for i, b := range ulaw {
		out[i] = g711.DecodeUlawFrame(b)
	}
	return out
}

// ReadWAV reads the samples of an 8 kHz 16-bit mono PCM WAV file, the format
// of Debian's asterisk-core-sounds-en-wav prompts.
func ReadWAV(path string) ([]int16, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audio: read %s: %w", path, err)
	}
	s, err := ParseWAV(data)
	if err != nil {
		return nil, fmt.Errorf("audio: %s: %w", path, err)
	}
	return s, nil
}

// ParseWAV returns the samples of an 8 kHz 16-bit mono PCM WAV image.
func ParseWAV(data []byte) ([]int16, error) {
	if len(data) < 12 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return nil, ErrNotPCMWAV
	}
	var fmtOK bool
	for off := 12; off+8 <= len(data); {
		id := string(data[off : off+4])
		size := int(binary.LittleEndian.Uint32(data[off+4 : off+8]))
		body := data[off+8:]
		if size > len(body) {
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return nil, ErrNotPCMWAV
			}
			format := binary.LittleEndian.Uint16(body[0:2])
			channels := binary.LittleEndian.Uint16(body[2:4])
			rate := binary.LittleEndian.Uint32(body[4:8])
			bits := binary.LittleEndian.Uint16(body[14:16])
			if format != 1 || channels != 1 || rate != SampleRate || bits != 16 {
				return nil, fmt.Errorf("%w (format %d, %d channels, %d Hz, %d bits)", ErrNotPCMWAV, format, channels, rate, bits)
			}
			fmtOK = true
		case "data":
			if !fmtOK {
				return nil, ErrNotPCMWAV
			}
			out := make([]int16, len(body)/2)
			for i := range out {
				out[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return out, nil
		}
		off += 8 + size + size%2
	}
	return nil, ErrNotPCMWAV
}

// EncodeWAV returns an 8 kHz 16-bit mono PCM WAV image of samples; the
// harness attaches what a phone heard to failed tests in this form.
func EncodeWAV(samples []int16) []byte {
	n := len(samples) * 2
	out := make([]byte, 44+n)
	copy(out[0:], "RIFF")
	binary.LittleEndian.PutUint32(out[4:], uint32(36+n))
	copy(out[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(out[16:], 16)
	binary.LittleEndian.PutUint16(out[20:], 1)
	binary.LittleEndian.PutUint16(out[22:], 1)
	binary.LittleEndian.PutUint32(out[24:], SampleRate)
	binary.LittleEndian.PutUint32(out[28:], SampleRate*2)
	binary.LittleEndian.PutUint16(out[32:], 2)
	binary.LittleEndian.PutUint16(out[34:], 16)
	copy(out[36:], "data")
	binary.LittleEndian.PutUint32(out[40:], uint32(n))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(out[44+2*i:], uint16(s))
	}
	return out
}
