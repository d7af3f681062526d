package voicemail_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
)

// mailbox is an in-process SMTP server keeping what it received.
type mailbox struct {
	mu   sync.Mutex
	msgs []received
}

// received is one message: envelope, data, who authenticated and whether
// it came over TLS.
type received struct {
	from string
	to   []string
	data []byte
	user string
	tls  bool
}

type session struct {
	mb   *mailbox
	conn *smtp.Conn
	cur  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "vm" || pass != "secret" {
			return errors.New("bad credentials")
		}
		s.cur.user = user
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.cur.from = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, s.cur.tls = s.conn.TLSConnectionState()
	s.cur.data = b
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, s.cur)
	s.mb.mu.Unlock()
	return nil
}
func (s *session) Reset()        { s.cur = received{user: s.cur.user} }
func (s *session) Logout() error { return nil }

// startSMTP serves SMTP on a local port (STARTTLS with cert when set).
func startSMTP(t *testing.T, cert *tls.Certificate) (*mailbox, int) {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{mb: mb, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return mb, l.Addr().(*net.TCPAddr).Port
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// attachment parses a received message and returns its subject, text and
// the WAV attachment's file name and bytes.
func attachment(t *testing.T, data []byte) (subject, text, file string, wav []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q: %v", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return subject, text, file, wav
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		if p.FileName() != "" {
			file = p.FileName()
			if wav, err = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\r\n", "")); err != nil {
				t.Fatal(err)
			}
			continue
		}
		text = string(body)
	}
}

func TestNewMessageIsEmailedWithTheWAVAttached(t *testing.T) {
	mb, port := startSMTP(t, nil)
	r := newRig(t, func(o *voicemail.Options) {
		o.SMTP = &voicemail.SMTP{Host: "127.0.0.1", Port: port, From: "pbx@example.com", Username: "vm", Password: "secret"}
	})
	r.Dir.Ext("102").Email = "user102@example.com"
	r.leaveMessage(4 * time.Second)
	if err := r.svc.Wait(r.Ctx()); err != nil {
		t.Fatal(err)
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if len(mb.msgs) != 1 {
		t.Fatalf("%d e-mails, want 1", len(mb.msgs))
	}
	got := mb.msgs[0]
	if got.from != "pbx@example.com" || len(got.to) != 1 || got.to[0] != "user102@example.com" || got.user != "vm" {
		t.Errorf("envelope from %q to %v user %q", got.from, got.to, got.user)
	}
	subject, text, file, wav := attachment(t, got.data)
	if !strings.Contains(subject, "102") || !strings.Contains(subject, "Ext 101") {
		t.Errorf("subject %q does not name the mailbox and caller", subject)
	}
	if !strings.Contains(text, "Duration: 4 s") {
		t.Errorf("text %q lacks the duration", text)
	}
	m := r.messages("102", "new")[0]
	want, err := os.ReadFile(filepath.Join(r.Sim.RecordingDir(), m.FilePath))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(file, ".wav") || !bytes.Equal(wav, want) || !bytes.HasPrefix(wav, []byte("RIFF")) {
		t.Errorf("attachment %q (%d bytes) is not the message's WAV (%d bytes)", file, len(wav), len(want))
	}
}

func TestEmailUsesStartTLSWhenTheRelayOffersIt(t *testing.T) {
	cert, pool := selfSigned(t)
	mb, port := startSMTP(t, &cert)
	r := newRig(t, func(o *voicemail.Options) {
		o.SMTP = &voicemail.SMTP{Host: "127.0.0.1", Port: port, From: "pbx@example.com",
			TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
	})
	r.Dir.Ext("102").Email = "user102@example.com"
	r.leaveMessage(2 * time.Second)
	if err := r.svc.Wait(r.Ctx()); err != nil {
		t.Fatal(err)
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if len(mb.msgs) != 1 || !mb.msgs[0].tls {
		t.Fatalf("%d e-mails, tls=%v; want 1 over STARTTLS", len(mb.msgs), len(mb.msgs) == 1 && mb.msgs[0].tls)
	}
}

func TestNoEmailWithoutAnAddress(t *testing.T) {
	mb, port := startSMTP(t, nil)
	r := newRig(t, func(o *voicemail.Options) {
		o.SMTP = &voicemail.SMTP{Host: "127.0.0.1", Port: port, From: "pbx@example.com"}
	})
	r.leaveMessage(2 * time.Second)
	if err := r.svc.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if len(mb.msgs) != 0 {
		t.Errorf("%d e-mails sent to an extension without address", len(mb.msgs))
	}
}

func TestForwardedMessageIsEmailedToTheTargetsOwner(t *testing.T) {
	mb, port := startSMTP(t, nil)
	r := newRig(t, func(o *voicemail.Options) {
		o.SMTP = &voicemail.SMTP{Host: "127.0.0.1", Port: port, From: "pbx@example.com"}
	})
	r.Dir.Ext("103").Email = "user103@example.com"
	r.leaveMessage(3 * time.Second) // 102 has no address: no e-mail for it
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "8")
	r.dtmf(in, "sound:vm-extension", 1, "103#")
	r.dtmf(in, "sound:vm-forwardoptions", 1, "2")
	r.waitHeard(in, "sound:vm-msgforwarded", 1, 30*time.Second)
	_ = in.Hangup()
	r.WaitIdle()
	if err := r.svc.Wait(r.Ctx()); err != nil {
		t.Fatal(err)
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if len(mb.msgs) != 1 || len(mb.msgs[0].to) != 1 || mb.msgs[0].to[0] != "user103@example.com" {
		t.Fatalf("e-mails %+v, want one to user103@example.com", mb.msgs)
	}
	subject, _, _, wav := attachment(t, mb.msgs[0].data)
	if !strings.Contains(subject, "103") || !strings.Contains(subject, "101") {
		t.Errorf("subject %q does not name the target mailbox and the original caller", subject)
	}
	fwd := r.messages("103", "new")
	if len(fwd) != 1 {
		t.Fatalf("103 has %d new messages, want 1", len(fwd))
	}
	want, err := os.ReadFile(filepath.Join(r.Sim.RecordingDir(), fwd[0].FilePath))
	if err != nil || !bytes.Equal(wav, want) {
		t.Errorf("attachment (%d bytes) is not the copy's WAV (%v)", len(wav), err)
	}
}
