package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/clock"
	"github.com/switchboard-pbx/switchboard/store"
)

// provisionWatchInterval is how often the extensions are checked for changes.
const provisionWatchInterval = 2 * time.Second

// extensionsFingerprint changes whenever an extension is added, changed,
// renumbered or removed: the count and the newest update time.
func extensionsFingerprint(ctx context.Context, st *store.Store) (string, error) {
	var row struct {
		N   int64
		Max sql.NullString // text on SQLite, a time on MySQL: compared as text
	}
	err := st.DB().WithContext(ctx).Table("extensions").Select("COUNT(*) AS n, MAX(updated_at) AS max").Scan(&row).Error
	if err != nil {
		return "", fmt.Errorf("extensions fingerprint: %w", err)
	}
	return fmt.Sprintf("%d/%s", row.N, row.Max.String), nil
}

// watchExtensions pushes extension changes into Asterisk soon after they
// happen, whoever made them (this process, or `switchboard admin` in
// another one): it compares the fingerprint every interval and, when it
// moved while ARI is up, runs sync (the same full, idempotent resync as on
// every connect). A failed sync is retried at the next tick.
func watchExtensions(ctx context.Context, st *store.Store, clk clock.Clock, interval time.Duration,
	up func() bool, sync func(context.Context) error, log *slog.Logger) {
	last, err := extensionsFingerprint(ctx, st)
	if err != nil {
		log.WarnContext(ctx, "provisioning watch", "err", err)
	}
	for {
		if err := clk.Sleep(ctx, interval); err != nil {
			return
		}
		fp, err := extensionsFingerprint(ctx, st)
		if err != nil {
			log.WarnContext(ctx, "provisioning watch", "err", err)
			continue
		}
		if fp == last || !up() {
			continue
		}
		log.InfoContext(ctx, "extensions changed: provisioning them in asterisk")
		if err := sync(ctx); err != nil {
			log.WarnContext(ctx, "provisioning after a change failed; retrying", "err", err)
			continue
		}
		last = fp
	}
}
