package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/clock"
)

// Sentinel errors of the simulator; the HTTP layer maps them to status codes.
var (
	// ErrNotFound means the named object (channel, bridge, …) does not exist.
	ErrNotFound = errors.New("sim: not found")
	// ErrConflict means the object exists already or is in the wrong state (409).
	ErrConflict = errors.New("sim: conflict")
	// ErrBadRequest means a parameter is missing or malformed (400).
	ErrBadRequest = errors.New("sim: bad request")
	// ErrUnprocessable means a referenced object is unusable (422).
	ErrUnprocessable = errors.New("sim: unprocessable")
	// ErrNotInStasis means the channel is not in a Stasis application (409 or 412).
	ErrNotInStasis = errors.New("sim: channel not in Stasis application")
	// ErrAllocationFailed means a channel could not be created: the endpoint has
	// no reachable contact (Asterisk answers 500 "Allocation failed").
	ErrAllocationFailed = errors.New("sim: allocation failed")
	// ErrNotRegistered means a phone device is not registered.
	ErrNotRegistered = errors.New("sim: device not registered")
	// ErrNoCall means a phone device has no call in the needed state.
	ErrNoCall = errors.New("sim: no such call on device")
)

// Options configure a Server. The zero value works: real clock, user
// "switchboard" with password "switchboard", recordings in a temporary folder.
type Options struct {
	// Clock is the time source of every timer and timestamp (default clock.Real).
	Clock clock.Clock
	// Username and Password are the ARI (and AMI) credentials, accepted as
	// Basic auth or api_key=user:pass.
	Username, Password string
	// AsteriskID is the asterisk_id stamped on events (default 02:fc:00:00:00:01).
	AsteriskID string
	// RecordingDir is where recordings are written as WAV files (default: a new
	// temporary folder).
	RecordingDir string
	// Dialplan runs when a channel leaves Stasis through continue or redirect,
	// or when a Local channel is originated; nil hangs such channels up, as an
	// Asterisk with no matching extension would.
	Dialplan DialplanFunc
	// Logger receives the simulator's logs (default slog.Default()).
	Logger *slog.Logger
	// AutoProvision makes every endpoint a phone registers for exist without a
	// PUT to /asterisk/config/dynamic (handy for tests of code that does not
	// provision). Off by default: an endpoint exists only once provisioned.
	AutoProvision bool
	// App is the Stasis application phones' calls enter (default "switchboard").
	App string
	// DialplanContexts names endpoint contexts whose calls run Dialplan
	// instead of Stasis(App,<origin>,${EXTEN}).
	DialplanContexts map[string]bool
	// HangupDelay is how long (wall time) a channel in Stasis lingers after
	// DELETE /channels/{id} answered, during which another DELETE overwrites
	// its cause (DefaultHangupDelay when 0; negative: torn down at once).
	HangupDelay time.Duration
}

// Server is the simulated Asterisk. Create it with New, serve Handler() over
// HTTP, and drive phones through Phone.
type Server struct {
	opts  Options
	clk   clock.Clock
	log   *slog.Logger
	start time.Time
	// tempRecs is the recordings folder the simulator made itself (no
	// Options.RecordingDir): Close removes it.
	tempRecs string

	mu        sync.Mutex
	seq       int // unique id counter (channel ids "<start>.<seq>")
	nameSeq   int // channel name suffix counter
	channels  map[string]*channel
	bridges   map[string]*bridge
	playbacks map[string]*playback
	controls  int // playback control operations applied (PlaybackControls)
	liveRecs  map[string]*liveRecording
	recSrc    map[string][]string // stored recording -> the send labels it was made from
	apps      map[string]*application
	endpoints map[string]*endpoint                // by resource name, e.g. "201"
	config    map[string]map[string][]configField // "res_pjsip/endpoint" -> id -> fields
	devStates map[string]string
	mailboxes map[string]mailbox
	globals   map[string]string
	phones    map[string]*Phone
	ami       *amiHub
	changed   chan struct{}
	dpRunning int                          // dialplan hooks running (not blocked in Wait/WaitSignal)
	dpWaiters map[*func() bool]func() bool // conditions blocked hooks wait for
	dpSignals map[string]bool

	timerMu      sync.Mutex
	timers       map[*simTimer]struct{}
	timerChanged chan struct{}
}

// New returns a Server ready to serve.
func New(opts Options) (*Server, error) {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Username == "" {
		opts.Username = "switchboard"
	}
	if opts.Password == "" {
		opts.Password = "switchboard"
	}
	if opts.AsteriskID == "" {
		opts.AsteriskID = "02:fc:00:00:00:01"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	tempRecs := ""
	if opts.RecordingDir == "" {
		dir, err := os.MkdirTemp("", "sim-recordings-")
		if err != nil {
			return nil, fmt.Errorf("sim: recording folder: %w", err)
		}
		opts.RecordingDir, tempRecs = dir, dir
	}
	if err := os.MkdirAll(opts.RecordingDir, 0o755); err != nil {
		return nil, fmt.Errorf("sim: recording folder: %w", err)
	}
	s := &Server{
		opts:      opts,
		tempRecs:  tempRecs,
		clk:       opts.Clock,
		log:       opts.Logger.With("component", "sim"),
		start:     opts.Clock.Now(),
		channels:  map[string]*channel{},
		bridges:   map[string]*bridge{},
		playbacks: map[string]*playback{},
		liveRecs:  map[string]*liveRecording{},
		apps:      map[string]*application{},
		endpoints: map[string]*endpoint{},
		config:    map[string]map[string][]configField{},
		devStates: map[string]string{},
		mailboxes: map[string]mailbox{},
		globals:   map[string]string{},
		phones:    map[string]*Phone{},
		dpWaiters: map[*func() bool]func() bool{},
		dpSignals: map[string]bool{},

		timers:       map[*simTimer]struct{}{},
		timerChanged: make(chan struct{}),
	}
	s.ami = newAMIHub(s)
	return s, nil
}

// Handler serves the ARI under /ari (REST and /ari/events) and the phone
// control API under /sim (see HTTPPhones).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routeARI(mux)
	s.routePhones(mux)
	return mux
}

// RecordingDir reports the folder holding stored recordings.
func (s *Server) RecordingDir() string { return s.opts.RecordingDir }

// Close removes the recordings folder when the simulator made it itself
// (Options.RecordingDir empty); a folder it was given is left alone. The
// HTTP and AMI servers are the caller's to stop.
func (s *Server) Close() error {
	if s.tempRecs == "" {
		return nil
	}
	if err := os.RemoveAll(s.tempRecs); err != nil {
		return fmt.Errorf("sim: remove recordings: %w", err)
	}
	return nil
}

func (s *Server) recordingPath(name, format string) string {
	return filepath.Join(s.opts.RecordingDir, name+"."+format)
}

// now reports the clock's time; callers hold s.mu or not, it does not matter.
func (s *Server) now() time.Time { return s.clk.Now() }

// newUniqueID returns an Asterisk-style unique id "<epoch>.<n>".
func (s *Server) newUniqueIDLocked() string {
	s.seq++
	return fmt.Sprintf("%d.%d", s.start.Unix(), s.seq)
}

func (s *Server) newNameSuffixLocked() string {
	s.nameSeq++
	return fmt.Sprintf("%08x", s.nameSeq)
}

// timestamp formats t as ARI does: 2026-11-25T21:05:19.738+0000.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }
