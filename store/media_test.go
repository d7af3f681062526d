package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestVoicemailCountsFollowTheFolders(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		a := &VoicemailMessage{Mailbox: "201", CallerNumber: "+4930111", ReceivedAt: t0, DurationSec: 12, FilePath: "/var/vm/201/a.wav"}
		b := &VoicemailMessage{Mailbox: "201", CallerNumber: "202", ReceivedAt: t0.Add(time.Hour), DurationSec: 5, FilePath: "/var/vm/201/b.wav"}
		must(t, st.Voicemail.Create(ctx, a))
		must(t, st.Voicemail.Create(ctx, b))
		must(t, st.Voicemail.SetFolder(ctx, a.ID, FolderOld))
		nw, old, err := st.Voicemail.Counts(ctx, "201")
		must(t, err)
		if nw != 1 || old != 1 {
			t.Fatalf("counts new=%d old=%d", nw, old)
		}
		list, err := st.Voicemail.List(ctx, "201", "")
		must(t, err)
		if len(list) != 2 || list[0].ID != b.ID {
			t.Fatalf("list not newest first: %+v", list)
		}
		wantErr(t, st.Voicemail.Create(ctx, &VoicemailMessage{Mailbox: "299", ReceivedAt: t0, FilePath: "x"}), ErrReference)
		wantField(t, st.Voicemail.SetFolder(ctx, a.ID, "trash"), "folder")
		must(t, st.Voicemail.Delete(ctx, a.ID))
		wantErr(t, st.Voicemail.Delete(ctx, a.ID), ErrNotFound)
	})
}

func TestFaxLogFiltersByDirectionAndDate(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201", FaxReceiver: true}))
		for i := 0; i < 4; i++ {
			dir := FaxSent
			if i%2 == 1 {
				dir = FaxReceived
			}
			must(t, st.Faxes.Create(ctx, &Fax{Direction: dir, Extension: "201", RemoteNumber: "90301234", Status: FaxDone, Pages: i + 1,
				FilePath: "/var/fax/f.tif", At: t0.Add(time.Duration(i) * 24 * time.Hour)}))
		}
		got, err := st.Faxes.List(ctx, "201", FaxReceived, t0, t0.Add(96*time.Hour))
		must(t, err)
		if len(got) != 2 || got[0].Pages != 4 || got[1].Pages != 2 {
			t.Fatalf("received faxes: %+v", got)
		}
		got, err = st.Faxes.List(ctx, "201", "", t0.Add(24*time.Hour), t0.Add(48*time.Hour))
		must(t, err)
		if len(got) != 1 || got[0].Pages != 2 {
			t.Fatalf("one day: %+v", got)
		}
		must(t, st.Faxes.SetStatus(ctx, got[0].ID, FaxFailed, 1, "remote hung up"))
		wantField(t, st.Faxes.Create(ctx, &Fax{Direction: FaxSent, Extension: "201", Status: FaxQueued, FilePath: strings.Repeat("p", MaxPathLen+1), At: t0}), "file_path")
	})
}

func TestRecordingsListByOwnerNewestFirst(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		c := internalCall("rec-call", "201", "202", t0)
		must(t, st.Calls.Open(ctx, c))
		must(t, st.Recordings.Create(ctx, &Recording{CallID: &c.ID, Owner: "201", FilePath: "/rec/1.wav", StartedAt: t0, DurationSec: 30}))
		must(t, st.Recordings.Create(ctx, &Recording{Owner: "201", FilePath: "/rec/2.wav", StartedAt: t0.Add(time.Hour), DurationSec: 10}))
		list, err := st.Recordings.ListByOwner(ctx, "201", 0, 0)
		must(t, err)
		if len(list) != 2 || list[0].FilePath != "/rec/2.wav" {
			t.Fatalf("recordings = %+v", list)
		}
		byCall, err := st.Recordings.ListByCall(ctx, c.ID)
		must(t, err)
		if len(byCall) != 1 {
			t.Fatalf("call recordings = %d", len(byCall))
		}
		missing := uint64(424242)
		wantErr(t, st.Recordings.Create(ctx, &Recording{CallID: &missing, Owner: "201", FilePath: "/x", StartedAt: t0}), ErrReference)
	})
}

func TestTokensAreStoredHashedAndExpire(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		acc, err := st.Accounts.Create(ctx, "admin", "password1", RoleAdmin)
		must(t, err)
		exp := t0.Add(time.Hour)
		tok := &APIToken{Name: "ci", Scopes: []string{"calls:read", "admin"}, AccountID: &acc.ID, ExpiresAt: &exp}
		secret, err := st.Tokens.Create(ctx, tok)
		must(t, err)
		if !strings.HasPrefix(secret, "sbt_") || strings.Contains(tok.TokenHash, secret) {
			t.Fatalf("token %q / hash %q", secret, tok.TokenHash)
		}
		got, err := st.Tokens.Authenticate(ctx, secret, t0)
		must(t, err)
		if got.ID != tok.ID || len(got.Scopes) != 2 || got.Scopes[1] != "admin" {
			t.Fatalf("authenticated token = %+v", got)
		}
		_, err = st.Tokens.Authenticate(ctx, secret, exp)
		wantErr(t, err, ErrBadCredentials)
		_, err = st.Tokens.Authenticate(ctx, secret+"x", t0)
		wantErr(t, err, ErrBadCredentials)
		_, err = st.Tokens.Create(ctx, &APIToken{Name: "orphan", Scopes: []string{"x"}})
		wantField(t, err, "owner")
		must(t, st.Accounts.Delete(ctx, "admin"))
		_, err = st.Tokens.Authenticate(ctx, secret, t0)
		wantErr(t, err, ErrBadCredentials)
	})
}

func TestAuditLogListsNewestFirstPerActor(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		for i, actor := range []string{"admin", "ext:201", "admin"} {
			must(t, st.Audit.Append(ctx, &AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: actor, Action: "extension.update", Target: "extension:201", Details: `{"dnd":true}`}))
		}
		got, err := st.Audit.List(ctx, AuditFilter{Actor: "admin"})
		must(t, err)
		if len(got) != 2 || !got[0].At.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("audit = %+v", got)
		}
		wantField(t, st.Audit.Append(ctx, &AuditEntry{At: t0, Action: "x"}), "actor")
	})
}
