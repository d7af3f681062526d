package main

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/store"
)

// runMigrate applies pending schema migrations and reports them; `serve`
// does the same on start, this lets an operator do it ahead of an upgrade.
func runMigrate(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet("migrate")
	flags := config.RegisterFlags(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	c, err := a.loadConfig(flags)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{Driver: c.cfg.Database.Driver, DSN: c.cfg.Database.DSN, Logger: c.log})
	if err != nil {
		return fmt.Errorf("open %s database: %w", c.cfg.Database.Driver, err)
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(applied) == 0 {
		fmt.Fprintf(a.stdout, "database is up to date (schema version %d)\n", store.SchemaVersion())
		return nil
	}
	fmt.Fprintf(a.stdout, "applied migrations %v; schema version %d\n", applied, store.SchemaVersion())
	return nil
}
