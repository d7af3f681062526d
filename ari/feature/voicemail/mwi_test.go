package voicemail_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/store"
)

// countsOnly is a MessageStore that only counts.
type countsOnly struct{ n, o int }

func (c countsOnly) Create(context.Context, *store.VoicemailMessage) error { return nil }
func (c countsOnly) List(context.Context, string, string) ([]store.VoicemailMessage, error) {
	return nil, nil
}
func (c countsOnly) SetFolder(context.Context, uint64, string) error { return nil }
func (c countsOnly) Delete(context.Context, uint64) error            { return nil }
func (c countsOnly) Counts(context.Context, string) (int, int, error) {
	return c.n, c.o, nil
}

// lockedBuffer is a log sink safe for the HTTP server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestMWIOnAnAsteriskWithoutMailboxesLogsOneClearLine(t *testing.T) {
	var puts int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/ari/mailboxes/") {
			puts++
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"Resource not found"}`))
	}))
	defer srv.Close()
	var logs lockedBuffer
	svc, err := voicemail.New(voicemail.Options{Messages: countsOnly{n: 2, o: 1},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	client := ari.New(ari.Options{BaseURL: srv.URL + "/ari", Username: "u", Password: "p",
		Logger: slog.New(slog.DiscardHandler)})
	for range 3 {
		svc.UpdateMWI(context.Background(), client, "102")
	}
	if puts != 3 {
		t.Errorf("%d PUT /mailboxes, want 3 (each change is tried)", puts)
	}
	if n := strings.Count(logs.String(), "has no /mailboxes"); n != 1 {
		t.Errorf("logged the missing /mailboxes %d times, want once:\n%s", n, logs.String())
	}
	if got := svc.MailboxID("102"); got != "102@default" {
		t.Errorf("mailbox id %q, want 102@default", got)
	}
}

func TestNewRefusesOptionsWithoutAMessageStore(t *testing.T) {
	if _, err := voicemail.New(voicemail.Options{}); !errors.Is(err, voicemail.ErrNoMessages) {
		t.Fatalf("New without a message store: %v, want ErrNoMessages", err)
	}
}

func TestExtensionPasswordsStoresTheNewPIN(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	p := voicemail.ExtensionPasswords{Repo: r.st.Extensions}
	if err := p.SetVoicemailPassword(ctx, "103", "4711"); err != nil {
		t.Fatal(err)
	}
	ext, err := r.st.Extensions.Get(ctx, "103")
	if err != nil {
		t.Fatal(err)
	}
	if ext.VoicemailPassword != "4711" || ext.Name != "Ext 103" {
		t.Errorf("extension after password change: pin %q name %q", ext.VoicemailPassword, ext.Name)
	}
	if err := p.SetVoicemailPassword(ctx, "999", "4711"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("password of a missing extension: %v, want store.ErrNotFound", err)
	}
}

func TestReconcileMWIRestoresTheStoreCountsAndClearsLampsOfOtherMailboxes(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	ctx := context.Background()
	for name, n := range map[string]int{"102@default": 0, "199@default": 3, "500@other": 1} {
		if err := r.Client.Mailboxes().Update(ctx, name, ari.MailboxUpdateParams{NewMessages: n}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.svc.ReconcileMWI(ctx, r.Client, []string{"101", "102", "103"}); err != nil {
		t.Fatal(err)
	}
	if n, o := r.mwi("102"); n != 1 || o != 0 {
		t.Errorf("102's lamp new=%d old=%d, want 1/0 from the store", n, o)
	}
	if _, _, ok := r.Sim.Mailbox("101@default"); !ok {
		t.Error("101's lamp was not published")
	}
	if _, _, ok := r.Sim.Mailbox("199@default"); ok {
		t.Error("the lamp of 199, which has no mailbox, is still there")
	}
	if _, n, ok := r.Sim.Mailbox("500@other"); !ok || n != 1 {
		t.Error("a lamp of another mailbox context was touched")
	}
}

func TestEnabledMailboxesAreTheExtensionsWithTheMailboxOn(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	if _, err := r.st.Extensions.Modify(ctx, "102", func(e *store.Extension) error { e.VoicemailEnabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	boxes, err := voicemail.EnabledMailboxes(ctx, r.st.Extensions)
	if err != nil || len(boxes) != 1 || boxes[0] != "102" {
		t.Fatalf("boxes %v (%v), want [102]", boxes, err)
	}
}
