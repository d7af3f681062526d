// Command switchboard is the Switchboard IP-PBX: one binary that serves the
// portal and drives Asterisk (serve), upgrades the database (migrate),
// manages accounts and extension rights (admin), writes Asterisk's
// configuration (asterisk-conf render) and reports its build (version).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Set at build time: go build -ldflags "-X main.version=v1.0.0 -X main.commit=abc123".
var (
	version = "dev"
	commit  = "none"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// errUsage marks a command line that could not be understood; its message
// has already been printed with the usage.
var errUsage = errors.New("usage")

// app is one invocation's surroundings, so that commands are testable.
type app struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	environ []string
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, a *app, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":         {"run the PBX: portal, API and the Asterisk connection", runServe},
		"migrate":       {"apply pending database migrations and exit", runMigrate},
		"admin":         {"manage admin/operator accounts and extension portal rights", runAdmin},
		"asterisk-conf": {"render Asterisk's configuration: asterisk-conf render --out DIR", runAsteriskConf},
		"version":       {"print the version and commit", runVersion},
	}
}

func main() {
	ctx, stop := signalContext()
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, environ: os.Environ()}
	code := a.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// signalContext ends on the first SIGINT or SIGTERM; a second one kills
// the process at once (default signal handling is restored).
func signalContext() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// run dispatches to the subcommand and turns its error into an exit code.
func (a *app) run(ctx context.Context, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		a.usage(cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(a.stderr, "switchboard: unknown command %q\n\n", args[0])
		a.usage(cmds)
		return exitUsage
	}
	err := cmd.run(ctx, a, args[1:])
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		return exitUsage
	default:
		fmt.Fprintf(a.stderr, "switchboard %s: %v\n", args[0], err)
		return exitFail
	}
}

func (a *app) usage(cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(a.stderr, "usage: switchboard <command> [flags]")
	fmt.Fprintln(a.stderr, "\ncommands:")
	for _, n := range names {
		fmt.Fprintf(a.stderr, "  %-14s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(a.stderr, "\nRun 'switchboard <command> -h' for its flags. Every command that reads the")
	fmt.Fprintln(a.stderr, "configuration takes -config FILE and one flag per setting (e.g. -http.port 9443).")
}

func runVersion(_ context.Context, a *app, args []string) error {
	fs := a.flagSet("version")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "switchboard %s (commit %s)\n", version, commit)
	return nil
}
