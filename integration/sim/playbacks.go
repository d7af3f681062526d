package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// playback is one POST …/play: a list of media played one after the other
// on a channel or a bridge, each lasting as long as its audio.
type playback struct {
	id        string
	media     []string
	idx       int
	lang      string
	state     string
	ch        *channel
	br        *bridge
	timer     clock.Timer
	remaining time.Duration
	length    time.Duration // the medium's full length; negative for tones
	startedAt time.Time
	mediaEnd  time.Time // planned end of the previous medium: media follow each other without drift
	paused    bool
}

func (p *playback) targetURI() string {
	if p.br != nil {
		return "bridge:" + p.br.id
	}
	return "channel:" + p.ch.id
}

func (p *playback) json() playbackJSON {
	state := p.state
	if p.paused {
		state = "paused" // res_stasis_playback's state while suspended
	}
	out := playbackJSON{ID: p.id, MediaURI: p.media[p.idx], TargetURI: p.targetURI(), Language: p.lang, State: state}
	if p.idx+1 < len(p.media) {
		out.NextMediaURI = p.media[p.idx+1]
	}
	return out
}

func (s *Server) playbackEvent(p *playback, typ string) {
	s.emitLocked(ev{typ: typ, ch: p.ch, br: p.br, fields: map[string]any{"playback": p.json()}})
}

// playLocked queues a playback on a channel or bridge and starts it when
// nothing else plays there.
func (s *Server) playLocked(ch *channel, br *bridge, id, media, lang string) (playbackJSON, error) {
	if media == "" {
		return playbackJSON{}, fmt.Errorf("media is required: %w", ErrBadRequest)
	}
	if id == "" {
		id = randomProtocolID()
	}
	if _, ok := s.playbacks[id]; ok {
		return playbackJSON{}, fmt.Errorf("playback %q exists: %w", id, ErrConflict)
	}
	if lang == "" {
		lang = "en"
	}
	p := &playback{id: id, media: strings.Split(media, ","), lang: lang, state: "queued", ch: ch, br: br}
	p.media = mergeMediaParams(p.media)
	s.playbacks[id] = p
	snap := p.json()
	if ch != nil {
		ch.playQueue = append(ch.playQueue, p)
		if len(ch.playQueue) == 1 {
			s.beginMediaLocked(p)
		}
	} else {
		br.playQueue = append(br.playQueue, p)
		if len(br.playQueue) == 1 {
			s.beginMediaLocked(p)
		}
	}
	return snap, nil
}

// mergeMediaParams glues "tone:ring;tonezone=fr" style parts that a comma
// would not split; media lists are split on commas before a scheme only.
func mergeMediaParams(parts []string) []string {
	var out []string
	for _, p := range parts {
		if len(out) > 0 && !strings.Contains(p, ":") {
			out[len(out)-1] += "," + p
			continue
		}
		out = append(out, p)
	}
	return out
}

// beginMediaLocked starts medium p.idx: PlaybackStarted, the listeners hear
// it, and a timer ends it after its duration (tones play until stopped).
func (s *Server) beginMediaLocked(p *playback) {
	p.state = "playing"
	s.playbackEvent(p, "PlaybackStarted")
	uri := p.media[p.idx]
	d, ok := s.mediaDurationLocked(uri, p.lang)
	if !ok {
		p.state = "failed"
		s.playbackEvent(p, "PlaybackFinished")
		s.endPlaybackLocked(p)
		return
	}
	for _, call := range s.listenersLocked(p.ch, p.br) {
		call.hearLocked(uri)
	}
	s.mediaChangedLocked()
	p.length = d
	if d < 0 {
		return
	}
	s.schedulePlaybackLocked(p, d)
}

func (s *Server) schedulePlaybackLocked(p *playback, d time.Duration) {
	now := s.now()
	start := now
	if !p.mediaEnd.IsZero() && p.mediaEnd.Before(now) {
		start = p.mediaEnd
	}
	end := start.Add(d)
	p.remaining = d
	p.startedAt = start
	p.timer = s.afterFunc(end.Sub(now), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.playbacks[p.id] != p || p.paused {
			return
		}
		p.mediaEnd = end
		s.mediaDoneLocked(p)
	})
}

// mediaDoneLocked moves to the next medium or finishes the playback.
func (s *Server) mediaDoneLocked(p *playback) {
	if p.idx+1 < len(p.media) {
		p.state = "continuing"
		s.playbackEvent(p, "PlaybackContinuing")
		p.idx++
		s.beginMediaLocked(p)
		return
	}
	p.state = "done"
	s.playbackEvent(p, "PlaybackFinished")
	s.endPlaybackLocked(p)
}

// endPlaybackLocked removes p and starts the next queued playback.
func (s *Server) endPlaybackLocked(p *playback) {
	if p.timer != nil {
		p.timer.Stop()
	}
	delete(s.playbacks, p.id)
	var next *playback
	if p.ch != nil {
		p.ch.playQueue = removePlayback(p.ch.playQueue, p)
		if len(p.ch.playQueue) > 0 && !p.ch.hungUp {
			next = p.ch.playQueue[0]
		}
	} else {
		p.br.playQueue = removePlayback(p.br.playQueue, p)
		if len(p.br.playQueue) > 0 {
			next = p.br.playQueue[0]
		}
	}
	s.mediaChangedLocked()
	if next != nil && next.state == "queued" {
		s.beginMediaLocked(next)
	}
}

// stopPlaybackLocked implements DELETE /playbacks/{id}.
func (s *Server) stopPlaybackLocked(p *playback) {
	if p.state == "queued" {
		delete(s.playbacks, p.id)
		if p.ch != nil {
			p.ch.playQueue = removePlayback(p.ch.playQueue, p)
		} else {
			p.br.playQueue = removePlayback(p.br.playQueue, p)
		}
		return
	}
	p.state = "done"
	s.playbackEvent(p, "PlaybackFinished")
	s.endPlaybackLocked(p)
}

// PlaybackControls counts the playback control operations (pause, forward,
// restart, …) the simulator applied so far: a test that presses a key the
// app turns into one waits for the count to move before clock time goes on.
func (s *Server) PlaybackControls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.controls
}

// controlPlaybackLocked implements POST /playbacks/{id}/control.
func (s *Server) controlPlaybackLocked(p *playback, op string) error {
	if p.state == "queued" {
		return fmt.Errorf("playback %q is queued: %w", p.id, ErrConflict)
	}
	if p.paused && (op == "restart" || op == "forward" || op == "reverse") {
		// res_stasis_playback allows only stop, pause and unpause on a
		// paused playback: "Can only <op> while media is playing" (409).
		return fmt.Errorf("can only %s while media is playing: %w", op, ErrConflict)
	}
	switch op {
	case "pause":
		if !p.paused && p.timer != nil {
			p.timer.Stop()
			p.remaining -= s.now().Sub(p.startedAt)
		}
		p.paused = true
	case "unpause":
		if p.paused {
			p.paused = false
			p.mediaEnd = time.Time{}
			if p.remaining >= 0 && p.timer != nil {
				s.schedulePlaybackLocked(p, p.remaining)
			}
			// Asterisk publishes the playback playing again.
			s.playbackEvent(p, "PlaybackStarted")
		}
	case "restart":
		// the current medium starts again (res_stasis_playback plays a
		// list one file at a time; AST_CONTROL_STREAM_RESTART restarts
		// the file under way in ast_control_streamfile)
		if p.timer != nil {
			p.timer.Stop()
		}
		p.mediaEnd = time.Time{} // from now, not from the previous medium's end
		s.beginMediaLocked(p)
	case "forward", "reverse":
		s.skipPlaybackLocked(p, op)
	default:
		return fmt.Errorf("operation %q: %w", op, ErrBadRequest)
	}
	return nil
}

// playbackSkip is how far forward and reverse move a playback: Asterisk's
// default (the skipms parameter of /play, which the simulator does not take).
const playbackSkip = 3 * time.Second

// skipPlaybackLocked moves the medium playing by playbackSkip, as
// ast_stream_fastforward/_rewind do: forward past its end ends it (the next
// medium starts), reverse before its start goes back to the start; tones
// have no position. (A paused playback refuses both: see
// controlPlaybackLocked.)
func (s *Server) skipPlaybackLocked(p *playback, op string) {
	if p.length < 0 || p.timer == nil {
		return
	}
	left := p.remaining - s.now().Sub(p.startedAt)
	if op == "forward" {
		left -= playbackSkip
	} else {
		left += playbackSkip
	}
	left = max(0, min(left, p.length))
	p.timer.Stop()
	p.mediaEnd = time.Time{}
	s.schedulePlaybackLocked(p, left)
}

func removePlayback(list []*playback, p *playback) []*playback {
	for i, x := range list {
		if x == p {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// stopChannelMediaLocked ends what plays on or records a channel that hangs up.
func (s *Server) stopChannelMediaLocked(c *channel) {
	for _, p := range append([]*playback(nil), c.playQueue...) {
		if p.state == "queued" {
			s.stopPlaybackLocked(p)
			continue
		}
		p.state = "done"
		s.playbackEvent(p, "PlaybackFinished")
		delete(s.playbacks, p.id)
		if p.timer != nil {
			p.timer.Stop()
		}
	}
	c.playQueue = nil
	if c.rec != nil {
		s.finishRecordingLocked(c.rec, "done")
	}
}

// stopChannelMediaForBridgeLocked stops a channel's MOH and silence
// generators as it joins a bridge; its playbacks keep going.
func (s *Server) stopChannelMediaForBridgeLocked(c *channel) {
	c.moh = ""
	c.silence = false
}

// mediaDurationLocked reports how long a media URI plays; negative means
// until stopped, !ok means the medium does not exist.
func (s *Server) mediaDurationLocked(uri, lang string) (time.Duration, bool) {
	scheme, arg, _ := strings.Cut(uri, ":")
	sum := func(names []string) (time.Duration, bool) {
		var total time.Duration
		for _, n := range names {
			ms, ok := soundDurationsMS[n]
			if !ok {
				return 0, false
			}
			total += time.Duration(ms) * time.Millisecond
		}
		return total, true
	}
	switch scheme {
	case "sound":
		return sum([]string{arg})
	case "digits":
		return sum(digitSounds(arg))
	case "characters":
		return sum(characterSounds(arg))
	case "number":
		n, err := strconv.Atoi(arg)
		if err != nil {
			return 0, false
		}
		return sum(numberSounds(n))
	case "tone":
		return -1, true
	case "recording":
		d, err := wavDuration(s.recordingPath(arg, "wav"))
		if err != nil {
			return 0, false
		}
		return d, true
	}
	return 0, false
}

func digitSounds(s string) []string {
	var out []string
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			out = append(out, "digits/"+string(r))
		case r == '*':
			out = append(out, "digits/star")
		case r == '#':
			out = append(out, "digits/pound")
		}
	}
	return out
}

func characterSounds(s string) []string {
	var out []string
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			out = append(out, "letters/"+string(r))
		case r >= '0' && r <= '9':
			out = append(out, "digits/"+string(r))
		case r == '.':
			out = append(out, "letters/dot")
		case r == '@':
			out = append(out, "letters/at")
		case r == '-':
			out = append(out, "letters/dash")
		case r == '*':
			out = append(out, "digits/star")
		case r == '#':
			out = append(out, "digits/pound")
		}
	}
	return out
}

// numberSounds is English SayNumber: 42 -> digits/40 digits/2.
func numberSounds(n int) []string {
	var out []string
	if n < 0 {
		out = append(out, "digits/minus")
		n = -n
	}
	if n == 0 {
		return append(out, "digits/0")
	}
	if n >= 1000000 {
		out = append(out, numberSounds(n/1000000)...)
		out = append(out, "digits/million")
		n %= 1000000
	}
	if n >= 1000 {
		out = append(out, numberSounds(n/1000)...)
		out = append(out, "digits/thousand")
		n %= 1000
	}
	if n >= 100 {
		out = append(out, "digits/"+strconv.Itoa(n/100), "digits/hundred")
		n %= 100
	}
	switch {
	case n == 0:
	case n < 20:
		out = append(out, "digits/"+strconv.Itoa(n))
	default:
		out = append(out, "digits/"+strconv.Itoa(n/10*10))
		if n%10 != 0 {
			out = append(out, "digits/"+strconv.Itoa(n%10))
		}
	}
	return out
}

//go:generate go run ./internal/gensounds

// SoundDuration reports how long Debian's English prompt name plays.
func SoundDuration(name string) (time.Duration, bool) {
	ms, ok := soundDurationsMS[name]
	return time.Duration(ms) * time.Millisecond, ok
}
