package voicemail

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"path"
	"strconv"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/store"
)

// SMTP is the mail relay voicemail notifications go through.
type SMTP struct {
	// Host and Port address the relay (port 25 when 0).
	Host string
	Port int
	// From is the sender address.
	From string
	// Username and Password, when set, authenticate (PLAIN; net/smtp only
	// sends them over TLS or to localhost).
	Username, Password string
	// TLS configures STARTTLS, used whenever the relay offers it (nil: the
	// system roots, server name Host).
	TLS *tls.Config
	// Timeout bounds one delivery (30 s).
	Timeout time.Duration
}

// sendLater e-mails a message off the call goroutine.
func (s *Service) sendLater(c *ari.Client, ext *store.Extension, m store.VoicemailMessage, name string) {
	s.mail.Add(1)
	go func() {
		defer s.mail.Done()
		timeout := s.o.SMTP.Timeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := s.email(ctx, c, ext, &m, name); err != nil {
			s.log.ErrorContext(ctx, "voicemail e-mail failed", "mailbox", m.Mailbox, "to", ext.Email, "err", err)
			return
		}
		s.log.InfoContext(ctx, "voicemail e-mailed", "mailbox", m.Mailbox, "to", ext.Email)
	}()
}

// attachment is one WAV of an e-mail.
type attachment struct {
	file string
	wav  []byte
}

// email fetches the WAV from Asterisk and sends it to the extension; a
// forwarded message with an introduction gets both WAVs, the introduction
// first, and says so.
func (s *Service) email(ctx context.Context, c *ari.Client, ext *store.Extension, m *store.VoicemailMessage, name string) error {
	names := []string{name}
	if m.IntroPath != "" {
		names = []string{s.nameOf(m.IntroPath), name}
	}
	var atts []attachment
	for _, n := range names {
		wav, err := c.Recordings().GetStoredFile(ctx, n)
		if err != nil {
			return fmt.Errorf("%w: fetch %s: %w", ErrEmail, n, err)
		}
		atts = append(atts, attachment{file: path.Base(n) + ".wav", wav: wav})
	}
	body, err := composeEmail(s.o.SMTP.From, ext, m, atts)
	if err != nil {
		return err
	}
	return deliver(ctx, s.o.SMTP, ext.Email, body)
}

// composeEmail builds the MIME message: a text part and the WAVs attached.
func composeEmail(from string, ext *store.Extension, m *store.VoicemailMessage, atts []attachment) ([]byte, error) {
	caller := m.CallerNumber
	if caller == "" {
		caller = "an unknown caller"
	}
	if m.CallerName != "" {
		caller = fmt.Sprintf("%s (%s)", m.CallerName, caller)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	h("From", (&mail.Address{Address: from}).String())
	h("To", (&mail.Address{Name: ext.Name, Address: ext.Email}).String())
	h("Subject", mime.QEncoding.Encode("utf-8", fmt.Sprintf("New voicemail in mailbox %s from %s", m.Mailbox, caller)))
	h("Date", m.ReceivedAt.Format(time.RFC1123Z))
	h("Message-ID", "<"+atts[len(atts)-1].file+"."+strconv.FormatInt(time.Now().UnixNano(), 36)+"@switchboard>")
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/mixed; boundary="+strconv.Quote(w.Boundary()))
	buf.WriteString("\r\n")
	text, err := w.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}})
	if err != nil {
		return nil, fmt.Errorf("%w: compose: %w", ErrEmail, err)
	}
	fmt.Fprintf(text, "You have a new voicemail message in mailbox %s.\r\n\r\nFrom: %s\r\nReceived: %s\r\nDuration: %d s\r\n",
		m.Mailbox, caller, m.ReceivedAt.UTC().Format("2006-01-02 15:04:05 MST"), m.DurationSec)
	if len(atts) > 1 {
		fmt.Fprintf(text, "\r\nIt was forwarded with an introduction: %s (attached first), then the message, %s.\r\n",
			atts[0].file, atts[1].file)
	}
	for _, a := range atts {
		if err := attach(w, a); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("%w: compose: %w", ErrEmail, err)
	}
	return buf.Bytes(), nil
}

// attach adds one WAV, base64 in lines of 76.
func attach(w *multipart.Writer, a attachment) error {
	att, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType("audio/wav", map[string]string{"name": a.file})},
		"Content-Transfer-Encoding": {"base64"},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": a.file})},
	})
	if err != nil {
		return fmt.Errorf("%w: compose: %w", ErrEmail, err)
	}
	enc := base64.StdEncoding.EncodeToString(a.wav)
	for len(enc) > 76 {
		fmt.Fprintf(att, "%s\r\n", enc[:76])
		enc = enc[76:]
	}
	fmt.Fprintf(att, "%s\r\n", enc)
	return nil
}

// deliver sends body to one recipient through the relay, with STARTTLS when
// offered and authentication when configured.
func deliver(ctx context.Context, cfg *SMTP, to string, body []byte) error {
	port := cfg.Port
	if port == 0 {
		port = 25
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("%w: dial %s: %w", ErrEmail, addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	cl, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("%w: greeting from %s: %w", ErrEmail, addr, err)
	}
	defer func() { _ = cl.Close() }()
	if ok, _ := cl.Extension("STARTTLS"); ok {
		tc := cfg.TLS
		if tc == nil {
			tc = &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
		}
		if err := cl.StartTLS(tc); err != nil {
			return fmt.Errorf("%w: starttls: %w", ErrEmail, err)
		}
	}
	if cfg.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host)); err != nil {
			return fmt.Errorf("%w: auth: %w", ErrEmail, err)
		}
	}
	if err := cl.Mail(cfg.From); err != nil {
		return fmt.Errorf("%w: MAIL FROM: %w", ErrEmail, err)
	}
	if err := cl.Rcpt(to); err != nil {
		return fmt.Errorf("%w: RCPT TO %s: %w", ErrEmail, to, err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("%w: DATA: %w", ErrEmail, err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("%w: DATA: %w", ErrEmail, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%w: end of DATA: %w", ErrEmail, err)
	}
	if err := cl.Quit(); err != nil {
		return fmt.Errorf("%w: QUIT: %w", ErrEmail, err)
	}
	return nil
}
