package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/store"
)

// errNoPassword is an empty -password-stdin input.
var errNoPassword = errors.New("no password on standard input")

// adminTarget is what an admin action works on.
type adminTarget int

const (
	targetNone adminTarget = iota
	targetAccount
	targetExtension
)

// adminAction is one `switchboard admin <action>`.
type adminAction struct {
	summary  string
	target   adminTarget
	password bool // takes -password / -password-stdin, generated when absent
	role     bool // takes -role
	do       func(ctx context.Context, a *app, st *store.Store, in adminInput) error
}

// adminInput is the parsed flags of one action.
type adminInput struct {
	username, extension, role, password string
}

func adminActions() map[string]adminAction {
	return map[string]adminAction{
		"create-account": {"create an admin or operator account (-username, -role, password generated unless given)", targetAccount, true, true,
			func(ctx context.Context, a *app, st *store.Store, in adminInput) error {
				acc, err := st.Accounts.Create(ctx, in.username, in.password, in.role)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "created %s account %s\n", acc.Role, acc.Username)
				return nil
			}},
		"reset-password": {"set a new password for an admin or operator account", targetAccount, true, false,
			func(ctx context.Context, a *app, st *store.Store, in adminInput) error {
				if err := st.Accounts.SetPassword(ctx, in.username, in.password); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "password of account %s changed\n", in.username)
				return nil
			}},
		"disable-account": {"lock an account out", targetAccount, false, false,
			func(ctx context.Context, a *app, st *store.Store, in adminInput) error {
				return report(a, st.Accounts.SetDisabled(ctx, in.username, true), "account %s disabled", in.username)
			}},
		"enable-account": {"let a disabled account log in again", targetAccount, false, false,
			func(ctx context.Context, a *app, st *store.Store, in adminInput) error {
				return report(a, st.Accounts.SetDisabled(ctx, in.username, false), "account %s enabled", in.username)
			}},
		"list-accounts": {"list admin and operator accounts", targetNone, false, false, listAccounts},
		"reset-portal-password": {"set a new portal password for an extension", targetExtension, true, false,
			func(ctx context.Context, a *app, st *store.Store, in adminInput) error {
				if err := st.Extensions.SetPortalPassword(ctx, in.extension, in.password); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "portal password of extension %s changed\n", in.extension)
				return nil
			}},
		"enable-portal":   {"let an extension log in to the portal", targetExtension, false, false, setExtension(func(e *store.Extension) { e.PortalEnabled = true }, "portal enabled")},
		"disable-portal":  {"stop an extension from logging in to the portal", targetExtension, false, false, setExtension(func(e *store.Extension) { e.PortalEnabled = false }, "portal disabled")},
		"grant-operator":  {"give an extension the operator role", targetExtension, false, false, setExtension(func(e *store.Extension) { e.Operator = true }, "operator role granted")},
		"revoke-operator": {"take the operator role from an extension", targetExtension, false, false, setExtension(func(e *store.Extension) { e.Operator = false }, "operator role revoked")},
	}
}

// runAdmin dispatches `switchboard admin <action> [flags]`.
func runAdmin(ctx context.Context, a *app, args []string) error {
	actions := adminActions()
	if len(args) == 0 || strings.TrimLeft(args[0], "-") == "h" || strings.TrimLeft(args[0], "-") == "help" {
		names := make([]string, 0, len(actions))
		for n := range actions {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(a.stderr, "usage: switchboard admin <action> [flags]\n\nactions:")
		for _, n := range names {
			fmt.Fprintf(a.stderr, "  %-22s %s\n", n, actions[n].summary)
		}
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	act, ok := actions[args[0]]
	if !ok {
		fmt.Fprintf(a.stderr, "switchboard admin: unknown action %q (run 'switchboard admin' for the list)\n", args[0])
		return errUsage
	}
	fs := a.flagSet("admin " + args[0])
	flags := config.RegisterFlags(fs)
	in, stdinPW := adminInput{}, false
	switch act.target {
	case targetAccount:
		fs.StringVar(&in.username, "username", "", "account user name (required)")
	case targetExtension:
		fs.StringVar(&in.extension, "extension", "", "extension number (required)")
	}
	if act.role {
		fs.StringVar(&in.role, "role", store.RoleAdmin, "account role: admin or operator")
	}
	if act.password {
		fs.StringVar(&in.password, "password", "", "the new password (default: generated and printed once)")
		fs.BoolVar(&stdinPW, "password-stdin", false, "read the new password from the first line of standard input")
	}
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if err := requireTarget(a, fs, act.target, in); err != nil {
		return err
	}
	generated := false
	switch {
	case stdinPW:
		pw, err := readPassword(a)
		if err != nil {
			return err
		}
		in.password = pw
	case act.password && in.password == "":
		in.password, generated = newPassword(passwordLength), true
	}
	c, err := a.loadConfig(flags)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := act.do(ctx, a, st, in); err != nil {
		return err
	}
	if generated {
		fmt.Fprintf(a.stdout, "password: %s\n", in.password)
	}
	return nil
}

func requireTarget(a *app, fs *flag.FlagSet, t adminTarget, in adminInput) error {
	missing := ""
	switch {
	case t == targetAccount && in.username == "":
		missing = "-username"
	case t == targetExtension && in.extension == "":
		missing = "-extension"
	}
	if missing == "" {
		return nil
	}
	fmt.Fprintf(a.stderr, "%s: %s is required\n", fs.Name(), missing)
	fs.Usage()
	return errUsage
}

func readPassword(a *app) (string, error) {
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("%w: %w", errNoPassword, err)
		}
		return "", errNoPassword
	}
	return line, nil
}

// setExtension changes one field of an extension and reports it.
func setExtension(change func(*store.Extension), done string) func(context.Context, *app, *store.Store, adminInput) error {
	return func(ctx context.Context, a *app, st *store.Store, in adminInput) error {
		e, err := st.Extensions.Get(ctx, in.extension)
		if err != nil {
			return err
		}
		change(e)
		return report(a, st.Extensions.Update(ctx, e), "extension %s: %s", in.extension, done)
	}
}

func report(a *app, err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, format+"\n", args...)
	return nil
}

func listAccounts(ctx context.Context, a *app, st *store.Store, _ adminInput) error {
	accs, err := st.Accounts.List(ctx)
	if err != nil {
		return err
	}
	for _, acc := range accs {
		state := "enabled"
		if acc.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(a.stdout, "%-24s %-9s %s\n", acc.Username, acc.Role, state)
	}
	return nil
}
