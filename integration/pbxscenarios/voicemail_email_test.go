package pbxscenarios

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/integration/harness"
	"github.com/switchboard-pbx/switchboard/integration/harness/audio"
	"github.com/switchboard-pbx/switchboard/store"
)

// inbox is an in-process SMTP server keeping the messages' data.
type inbox struct {
	mu   sync.Mutex
	msgs [][]byte
	rcpt []string
}

type smtpSession struct {
	in *inbox
	to []string
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	s.in.msgs = append(s.in.msgs, b)
	s.in.rcpt = append(s.in.rcpt, s.to...)
	return nil
}
func (s *smtpSession) Reset()        { s.to = nil }
func (s *smtpSession) Logout() error { return nil }

// startInbox serves SMTP on a loopback port; the app runs in this process
// in both modes, so it reaches the server either way.
func startInbox(t *testing.T) (*inbox, int) {
	t.Helper()
	in := &inbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{in: in}, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return in, l.Addr().(*net.TCPAddr).Port
}

func (in *inbox) received() ([][]byte, []string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([][]byte(nil), in.msgs...), append([]string(nil), in.rcpt...)
}

// vmWorld is a world whose PBX e-mails voicemail through an in-process
// SMTP server and can be stopped in the middle of a scenario.
type vmWorld struct {
	*world
	inbox *inbox
	stop  context.CancelFunc
}

// runVM is run with the PBX e-mailing voicemail to inbox; w.stop ends the
// PBX (as a shutdown does) while the scenario goes on.
func runVM(t *testing.T, exts []string, setup func(t *testing.T, st *store.Store), scenario func(t *testing.T, w *vmWorld)) {
	for _, mode := range []harness.Mode{harness.ModeSim, harness.ModeAsterisk} {
		t.Run(string(mode), func(t *testing.T) {
			in, port := startInbox(t)
			w := &vmWorld{world: &world{st: openStore(t, exts)}, inbox: in}
			if setup != nil {
				setup(t, w.st)
			}
			w.smtp = &voicemail.SMTP{Host: "127.0.0.1", Port: port, From: "pbx@example.com", Timeout: 10 * time.Second}
			w.H = harness.New(t, mode, harness.Options{
				Extensions: exts,
				App: func(ctx context.Context, env harness.AppEnv) error {
					ctx, w.stop = context.WithCancel(ctx)
					return w.runPBX(ctx, env)
				},
				AppReady: w.appReady,
			})
			scenario(t, w)
		})
	}
}

// wavAttachment returns a message's subject and its audio/wav attachment.
func wavAttachment(t *testing.T, data []byte) (subject string, wav []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no audio/wav part: %v", err)
		}
		if mt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); mt != "audio/wav" {
			continue
		}
		b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, part))
		if err != nil {
			t.Fatal(err)
		}
		return subject, b
	}
}

func TestVoicemailIsEmailedWithTheRecordedWAVAttached(t *testing.T) {
	setup := setups(withVoicemail("102", "4711"), straightToVoicemail("102"), func(t *testing.T, st *store.Store) {
		e, err := st.Extensions.Get(context.Background(), "102")
		if err != nil {
			t.Fatal(err)
		}
		e.Email = "user102@example.com"
		if err := st.Extensions.Update(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	})
	runVM(t, []string{"101", "102"}, setup, func(t *testing.T, w *vmWorld) {
		in := w.inbox
		a := w.Phone("101")
		w.leaveMessage(a, "102", 1000, 3*time.Second, 1)
		w.Eventually("the e-mail to arrive", 0, func() bool {
			msgs, _ := in.received()
			return len(msgs) == 1
		})
		msgs, rcpt := in.received()
		if len(rcpt) != 1 || rcpt[0] != "user102@example.com" {
			t.Errorf("sent to %v, want user102@example.com", rcpt)
		}
		subject, wav := wavAttachment(t, msgs[0])
		if !strings.Contains(subject, "102") || !strings.Contains(subject, "101") {
			t.Errorf("subject %q names neither the mailbox nor the caller", subject)
		}
		samples, err := audio.ParseWAV(wav)
		if err != nil {
			t.Fatalf("attachment is no 8 kHz PCM WAV: %v", err)
		}
		secs := float64(len(samples)) / audio.SampleRate
		if cov := (audio.ToneDetector{Freq: 1000}).Coverage(samples); secs < 2 || cov < 0.5 {
			t.Errorf("attached WAV: %.1f s, 1000 Hz in %.0f%% of it; want the ~3 s tone the caller sent", secs, cov*100)
		}
		w.idle()
	})
}
