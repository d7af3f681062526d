// Package voicemail is Switchboard's voicemail (FC-VM-MAIN, FC-VM-MY, the
// deposit behind busy/no-answer/DND, SYS-MWI and the e-mail notification of
// P-SETTINGS). Messages and greetings are ARI recordings in a folder per
// mailbox (vm/<box>/msg-<id>, vm/<box>/greet-busy …); a message's folder
// (new, old, work, family, friends) and the rest of its metadata live in the
// store. The menus follow Asterisk's Comedian Mail.
package voicemail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/ari/feature/callflow"
	"github.com/switchboard-pbx/switchboard/dialplan"
	"github.com/switchboard-pbx/switchboard/store"
)

// Errors of the voicemail package.
var (
	// ErrNoMessages means the store option is missing.
	ErrNoMessages = errors.New("voicemail: no message store configured")
	// ErrRecordingFailed means Asterisk could not record the channel.
	ErrRecordingFailed = errors.New("voicemail: recording failed")
	// ErrEmail means a notification could not be sent.
	ErrEmail = errors.New("voicemail: e-mail failed")
)

// MessageStore keeps message metadata; *store.VoicemailRepo implements it.
type MessageStore interface {
	// Create files a new message.
	Create(ctx context.Context, m *store.VoicemailMessage) error
	// List returns a mailbox's messages in folder ("" both), newest first.
	List(ctx context.Context, mailbox, folder string) ([]store.VoicemailMessage, error)
	// SetFolder moves a message to new or old.
	SetFolder(ctx context.Context, id uint64, folder string) error
	// Delete removes a message's record.
	Delete(ctx context.Context, id uint64) error
	// Counts reports a mailbox's new and old messages.
	Counts(ctx context.Context, mailbox string) (newCount, oldCount int, err error)
}

// PasswordStore changes mailbox passwords (the Directory only reads them).
type PasswordStore interface {
	// SetVoicemailPassword stores pin (digits) as the mailbox's password.
	SetVoicemailPassword(ctx context.Context, mailbox, pin string) error
}

// ExtensionPasswords is the PasswordStore on the store's extensions.
type ExtensionPasswords struct {
	// Repo is the store's extension repository.
	Repo *store.ExtensionRepo
}

// SetVoicemailPassword implements PasswordStore.
func (p ExtensionPasswords) SetVoicemailPassword(ctx context.Context, mailbox, pin string) error {
	ext, err := p.Repo.Get(ctx, mailbox)
	if err != nil {
		return fmt.Errorf("voicemail: password of %s: %w", mailbox, err)
	}
	ext.VoicemailPassword = pin
	if err := p.Repo.Update(ctx, ext); err != nil {
		return fmt.Errorf("voicemail: password of %s: %w", mailbox, err)
	}
	return nil
}

// Options configure the Service. Zero durations and counts take the defaults
// shown.
type Options struct {
	// Messages stores message metadata (required).
	Messages MessageStore
	// Passwords changes mailbox passwords (nil: option 5 says it failed).
	Passwords PasswordStore
	// SMTP sends e-mail notifications (nil: none are sent).
	SMTP *SMTP
	// RecordingDir is Asterisk's recording folder (astspooldir/recording)
	// as the app sees it; a message's FilePath is the WAV below it.
	RecordingDir string
	// MailboxContext is the MWI mailbox context: <ext>@<context> ("default").
	MailboxContext string
	// MaxMessage bounds a message (180 s); MaxSilence ends it (5 s).
	MaxMessage, MaxSilence time.Duration
	// MinMessage is the shortest message kept (1 s).
	MinMessage time.Duration
	// LoginAttempts is how many passwords one call may try (3).
	LoginAttempts int
	// LockFailures failures within LockWindow (10 in 15 min, counted from
	// the first) lock the mailbox for LockFor (15 min).
	LockFailures        int
	LockWindow, LockFor time.Duration
	// Lockouts keeps failed log-ins and locks (nil: Messages when it
	// implements Lockouts, as the store does; else memory).
	Lockouts Lockouts
	// MinPassword is the shortest new password (4 digits).
	MinPassword int
	// Logger logs outside calls (slog.Default()).
	Logger *slog.Logger
}

// Service is voicemail: the deposit (feature.Voicemail) and the mailbox
// menus (Register).
type Service struct {
	o        Options
	log      *slog.Logger
	lock     Lockouts
	mail     sync.WaitGroup
	noMWI    atomic.Bool
	sequence atomic.Uint64
	tag      string
}

var _ feature.Voicemail = (*Service)(nil)

// New builds the Service.
func New(o Options) (*Service, error) {
	if o.Messages == nil {
		return nil, ErrNoMessages
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	def(&o.MaxMessage, 180*time.Second)
	def(&o.MaxSilence, 5*time.Second)
	def(&o.MinMessage, time.Second)
	def(&o.LockWindow, 15*time.Minute)
	def(&o.LockFor, 15*time.Minute)
	defInt(&o.LoginAttempts, 3)
	defInt(&o.LockFailures, 10)
	defInt(&o.MinPassword, 4)
	if o.MailboxContext == "" {
		o.MailboxContext = "default"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var tag [3]byte
	if _, err := rand.Read(tag[:]); err != nil {
		return nil, fmt.Errorf("voicemail: process tag: %w", err)
	}
	s := &Service{o: o, log: o.Logger.With("feature", "voicemail"), tag: hex.EncodeToString(tag[:])}
	s.lock = lockoutsFor(o)
	return s, nil
}

// Register serves *60# (FC-VM-MAIN) and *61# (FC-VM-MY) on the router.
func (s *Service) Register(r *callflow.Router) {
	r.Handle(dialplan.CodeVMMain, feature.HandlerFunc(s.serveMain))
	r.Handle(dialplan.CodeVMMy, feature.HandlerFunc(s.serveMy))
}

// Wait blocks until the e-mails under way are sent (or failed), or ctx ends.
func (s *Service) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.mail.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
