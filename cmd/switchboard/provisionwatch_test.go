package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

func TestExtensionChangesArePushedSoonAfterAndOnlyWhileARIIsUp(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, store.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "w.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	var syncs atomic.Int32
	var up atomic.Bool
	up.Store(true)
	go watchExtensions(ctx, st, clk, time.Second, up.Load,
		func(context.Context) error { syncs.Add(1); return nil }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tick := func() {
		t.Helper()
		if err := clk.BlockUntil(ctx, 1); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
		// the watcher's next sleep means it finished this round
		if err := clk.BlockUntil(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	tick()
	if n := syncs.Load(); n != 0 {
		t.Fatalf("%d syncs without a change", n)
	}
	if err := st.Extensions.Create(ctx, &store.Extension{Number: "106", Name: "New"}); err != nil {
		t.Fatal(err)
	}
	up.Store(false)
	tick()
	if n := syncs.Load(); n != 0 {
		t.Fatalf("%d syncs while ARI is down", n)
	}
	up.Store(true)
	tick()
	tick()
	if n := syncs.Load(); n != 1 {
		t.Fatalf("%d syncs after one change, want 1", n)
	}
	if err := st.Extensions.Delete(ctx, "106"); err != nil {
		t.Fatal(err)
	}
	tick()
	tick()
	if n := syncs.Load(); n != 2 {
		t.Fatalf("%d syncs after the removal, want 2", n)
	}
}
