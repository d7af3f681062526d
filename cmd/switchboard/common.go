package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/store"
)

// flagSet returns a flag set that reports errors instead of exiting.
func (a *app) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("switchboard "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	return fs
}

// parse parses args and refuses stray positional arguments.
func (a *app) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

// configured is a command's loaded and prepared configuration.
type configured struct {
	cfg config.Config
	log *slog.Logger
}

// loadConfig loads and validates the configuration from the file, the
// environment and the flags registered on fs (already parsed), prepares
// the data folder (generated secrets, certificate) and builds the logger.
func (a *app) loadConfig(flags *config.Flags) (*configured, error) {
	cfg, err := config.Load(config.Sources{Environ: a.environ, Flags: flags})
	if err != nil {
		return nil, err
	}
	if err := checkPlan(cfg.Numbering); err != nil {
		return nil, err
	}
	log := newLogger(cfg.Log, a.stderr)
	prep, err := config.Prepare(&cfg)
	if err != nil {
		return nil, err
	}
	for _, f := range prep.Generated {
		log.Info("generated on first start; kept and reused", "file", f)
	}
	return &configured{cfg: cfg, log: log}, nil
}

// newLogger builds the process logger from the log settings.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level)) // validated by config
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens the configured database and applies pending migrations.
func openStore(ctx context.Context, c *configured) (*store.Store, error) {
	st, err := store.Open(ctx, store.Options{Driver: c.cfg.Database.Driver, DSN: c.cfg.Database.DSN, Logger: c.log})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", c.cfg.Database.Driver, err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return st, nil
}
