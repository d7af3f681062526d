package sim

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// liveRecording is a recording in progress on a channel or bridge. Its audio
// is synthesised from what the target sends when it starts: tone labels such
// as "1000Hz" become sine waves, other labels a tone of their own, nothing
// becomes silence.
type liveRecording struct {
	name, format string
	state        string
	ch           *channel
	br           *bridge
	started      time.Time
	maxTimer     clock.Timer
	terminateOn  string
	withSilence  bool
	sources      []string
	cause        string
}

func (r *liveRecording) targetURI() string {
	if r.br != nil {
		return "bridge:" + r.br.id
	}
	return "channel:" + r.ch.id
}

func (r *liveRecording) json() liveRecordingJSON {
	return liveRecordingJSON{Name: r.name, Format: r.format, State: r.state, TargetURI: r.targetURI(), Cause: r.cause}
}

func (s *Server) recEvent(r *liveRecording, typ string, j liveRecordingJSON) {
	s.emitLocked(ev{typ: typ, ch: r.ch, br: r.br, fields: map[string]any{"recording": j}})
}

// recordLocked implements POST /channels/{id}/record and /bridges/{id}/record.
func (s *Server) recordLocked(ch *channel, br *bridge, p params) (liveRecordingJSON, error) {
	name, format := p.get("name"), p.get("format")
	if name == "" || format == "" {
		return liveRecordingJSON{}, fmt.Errorf("name and format are required: %w", ErrBadRequest)
	}
	if format != "wav" {
		return liveRecordingJSON{}, fmt.Errorf("format %q (the simulator writes wav): %w", format, ErrUnprocessable)
	}
	if strings.Contains(name, "..") {
		return liveRecordingJSON{}, fmt.Errorf("recording name %q: %w", name, ErrBadRequest)
	}
	if _, ok := s.liveRecs[name]; ok {
		return liveRecordingJSON{}, fmt.Errorf("recording %q in progress: %w", name, ErrConflict)
	}
	ifExists := orDefault(p.get("ifExists"), "fail")
	if _, err := os.Stat(s.recordingPath(name, format)); err == nil && ifExists == "fail" {
		return liveRecordingJSON{}, fmt.Errorf("recording %q exists: %w", name, ErrConflict)
	}
	if ch != nil && (ch.rec != nil) || br != nil && br.rec != nil {
		return liveRecordingJSON{}, fmt.Errorf("target already recording: %w", ErrConflict)
	}
	r := &liveRecording{name: name, format: format, state: "queued", ch: ch, br: br,
		terminateOn: p.get("terminateOn"), withSilence: atoiDefault(p.get("maxSilenceSeconds"), 0) > 0}
	snap := r.json()
	if ch != nil && (ch.bridge != nil || ch.inDialBridge()) {
		// Asterisk answers 201 and reports the failure only as an event
		// (record_created_leg trace).
		r.state = "failed"
		r.cause = "Cannot record channel while in bridge"
		s.recEvent(r, "RecordingFailed", r.json())
		return snap, nil
	}
	s.liveRecs[name] = r
	if ch != nil {
		ch.rec = r
		if b, _ := strconv.ParseBool(p.get("beep")); b {
			for _, call := range s.listenersLocked(ch, nil) {
				call.hearLocked("sound:beep")
			}
		}
		r.sources = sortedKeys(s.sentByLocked(ch, nil))
	} else {
		br.rec = r
		all := map[string]bool{}
		for _, m := range br.members {
			for k := range s.sentByLocked(m, nil) {
				all[k] = true
			}
		}
		r.sources = sortedKeys(all)
	}
	r.state = "recording"
	r.started = s.now()
	s.recEvent(r, "RecordingStarted", r.json())
	maxDur := atoiDefault(p.get("maxDurationSeconds"), 0)
	maxSil := atoiDefault(p.get("maxSilenceSeconds"), 0)
	limit := time.Duration(maxDur) * time.Second
	if len(r.sources) == 0 && maxSil > 0 && (limit == 0 || time.Duration(maxSil)*time.Second < limit) {
		limit = time.Duration(maxSil) * time.Second
	}
	if limit > 0 {
		r.maxTimer = s.afterFunc(limit, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.liveRecs[name] == r {
				s.finishRecordingLocked(r, "done")
			}
		})
	}
	return snap, nil
}

func (c *channel) inDialBridge() bool {
	return c.kind == kindCreated && c.dialed && c.state == StateUp && !c.wasBridged
}

// finishRecordingLocked ends r: the WAV is written and RecordingFinished sent
// ("done"), or the file is dropped ("canceled").
func (s *Server) finishRecordingLocked(r *liveRecording, state string) {
	if s.liveRecs[r.name] != r {
		return
	}
	delete(s.liveRecs, r.name)
	if r.maxTimer != nil {
		r.maxTimer.Stop()
	}
	if r.ch != nil {
		r.ch.rec = nil
	} else {
		r.br.rec = nil
	}
	elapsed := s.now().Sub(r.started)
	r.state = state
	path := s.recordingPath(r.name, r.format)
	if state == "canceled" {
		_ = os.Remove(path)
	} else if err := writeWAV(path, elapsed, r.sources); err != nil {
		s.log.Error("write recording", "name", r.name, "err", err)
	} else {
		s.setRecordingSourcesLocked(r.name, r.sources)
	}
	j := r.json()
	secs := int(math.Round(elapsed.Seconds()))
	j.Duration = &secs
	if r.withSilence {
		talk, sil := secs, 0
		if len(r.sources) == 0 {
			talk, sil = 0, secs
		}
		j.TalkingDuration, j.SilenceDuration = &talk, &sil
	}
	s.recEvent(r, "RecordingFinished", j)
}

// toneFrequency maps a source label to the frequency written for it.
func toneFrequency(label string) float64 {
	l := strings.ToLower(strings.TrimPrefix(label, "tone:"))
	l = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(l, "hz"), " "))
	if strings.HasSuffix(l, "k") {
		if f, err := strconv.ParseFloat(strings.TrimSuffix(l, "k"), 64); err == nil {
			return f * 1000
		}
	}
	if f, err := strconv.ParseFloat(l, 64); err == nil && f > 0 && f < 4000 {
		return f
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(label))
	return 200 + float64(h.Sum32()%700)
}

// writeWAV writes d of 8 kHz 16-bit mono PCM mixing one sine per source.
func writeWAV(path string, d time.Duration, sources []string) error {
	n := int(d.Seconds() * 8000)
	data := make([]byte, 2*n)
	freqs := make([]float64, 0, len(sources))
	for _, src := range sources {
		freqs = append(freqs, toneFrequency(src))
	}
	for i := 0; i < n; i++ {
		v := 0.0
		for _, f := range freqs {
			v += math.Sin(2 * math.Pi * f * float64(i) / 8000)
		}
		if len(freqs) > 0 {
			v = v / float64(len(freqs)) * 8000
		}
		binary.LittleEndian.PutUint16(data[2*i:], uint16(int16(v)))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("recording folder of %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	hdr := make([]byte, 44)
	copy(hdr[0:], "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], uint32(36+len(data)))
	copy(hdr[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(hdr[16:], 16)
	binary.LittleEndian.PutUint16(hdr[20:], 1)
	binary.LittleEndian.PutUint16(hdr[22:], 1)
	binary.LittleEndian.PutUint32(hdr[24:], 8000)
	binary.LittleEndian.PutUint32(hdr[28:], 16000)
	binary.LittleEndian.PutUint16(hdr[32:], 2)
	binary.LittleEndian.PutUint16(hdr[34:], 16)
	copy(hdr[36:], "data")
	binary.LittleEndian.PutUint32(hdr[40:], uint32(len(data)))
	if _, err := f.Write(append(hdr, data...)); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

// wavDuration reads a WAV header and reports the audio's length.
func wavDuration(path string) (time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	hdr := make([]byte, 44)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	rate := binary.LittleEndian.Uint32(hdr[28:])
	size := binary.LittleEndian.Uint32(hdr[40:])
	if rate == 0 {
		return 0, fmt.Errorf("wav %s: zero byte rate: %w", path, ErrBadRequest)
	}
	return time.Duration(float64(size) / float64(rate) * float64(time.Second)), nil
}

// storedRecordingsLocked lists the stored recordings, those in subfolders
// too, named by their path below the recording folder ("vm/101/msg-1"),
// as Asterisk's stasis_app_stored_recording_find_all does.
func (s *Server) storedRecordingsLocked() []storedRecordingJSON {
	out := []storedRecordingJSON{}
	root := s.opts.RecordingDir
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil // an unreadable folder is skipped, like Asterisk does
		}
		rel, rerr := filepath.Rel(root, path)
		if rerr != nil {
			return nil
		}
		name, format, ok := cutExtension(filepath.ToSlash(rel))
		if !ok {
			return nil
		}
		if _, live := s.liveRecs[name]; live {
			return nil
		}
		out = append(out, storedRecordingJSON{Name: name, Format: format})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// cutExtension splits "dir/file.wav" into "dir/file" and "wav"; the format
// is what follows the first dot of the file's own name.
func cutExtension(rel string) (name, format string, ok bool) {
	dir, file := path.Split(rel)
	base, format, ok := strings.Cut(file, ".")
	if !ok || base == "" {
		return "", "", false
	}
	return dir + base, format, true
}

// storedRecordingLocked finds the stored recording called name (which may
// name subfolders) and its file, looking only in the folder the name points
// to, as Asterisk's stasis_app_stored_recording_find_by_name does.
func (s *Server) storedRecordingLocked(name string) (storedRecordingJSON, string, error) {
	if name == "" || strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		return storedRecordingJSON{}, "", fmt.Errorf("recording %q: %w", name, ErrNotFound)
	}
	if _, live := s.liveRecs[name]; live {
		return storedRecordingJSON{}, "", fmt.Errorf("recording %q is still recording: %w", name, ErrNotFound)
	}
	dir, file := path.Split(name)
	entries, err := os.ReadDir(filepath.Join(s.opts.RecordingDir, filepath.FromSlash(dir)))
	if err != nil {
		return storedRecordingJSON{}, "", fmt.Errorf("recording %q: %w", name, ErrNotFound)
	}
	for _, e := range entries {
		base, format, ok := strings.Cut(e.Name(), ".")
		if ok && base == file && e.Type().IsRegular() {
			return storedRecordingJSON{Name: name, Format: format}, s.recordingPath(name, format), nil
		}
	}
	return storedRecordingJSON{}, "", fmt.Errorf("recording %q: %w", name, ErrNotFound)
}

// setRecordingSourcesLocked remembers what a stored recording was made
// from, so that playing it back sounds like it (see audibleMediaLocked).
func (s *Server) setRecordingSourcesLocked(name string, sources []string) {
	if s.recSrc == nil {
		s.recSrc = map[string][]string{}
	}
	s.recSrc[name] = sources
}

// audibleMediaLocked is mediaOn plus, while a recording plays, the send
// labels it was recorded from: a recording of a 1000 Hz tone played back
// is heard as "1000Hz" too, as a real phone would hear it.
func (s *Server) audibleMediaLocked(queue []*playback, moh string) map[string]bool {
	out := mediaOn(queue, moh)
	for k := range out {
		if name, ok := strings.CutPrefix(k, "recording:"); ok {
			for _, l := range s.recSrc[name] {
				out[l] = true
			}
		}
	}
	return out
}

// copyStoredLocked writes data (the recording src) as the stored recording
// dst, creating the subfolders its name asks for (POST
// /recordings/stored/{name}/copy).
func (s *Server) copyStoredLocked(src, dst, format string, data []byte) error {
	p := s.recordingPath(dst, format)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("recording folder of %s: %w", dst, err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	s.setRecordingSourcesLocked(dst, s.recSrc[src])
	return nil
}
