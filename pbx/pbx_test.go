package pbx_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/pbx"
	"github.com/switchboard-pbx/switchboard/store"
)

func TestStartClosesCallRecordsACrashLeftOpen(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "pbx.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rec := &store.CallRecord{UID: "sb-call-crashed-1", Type: store.CallInternal, FromNumber: "101", ToNumber: "102",
		StartedAt: time.Now().Add(-time.Minute)}
	if err := st.Calls.Open(ctx, rec); err != nil {
		t.Fatal(err)
	}
	client := ari.New(ari.Options{BaseURL: "http://127.0.0.1:1/ari", Username: "u", Password: "p", Application: "switchboard"})
	if _, err := pbx.New(ctx, pbx.Options{Store: st, Client: client}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Calls.GetByUID(ctx, rec.UID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.CallClosed {
		t.Fatalf("record left open by a crash is %s after start", got.State)
	}
}
