package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strconv"

	"github.com/switchboard-pbx/switchboard/config"
	"github.com/switchboard-pbx/switchboard/store"
)

// Demo data created on the first start of an empty database.
const (
	demoAdmin      = "admin"
	demoDepartment = "Office"
	demoExtensions = 5
	passwordLength = 16
	sipSecretLen   = 24
)

// passwordAlphabet leaves out look-alikes (0/O, 1/l/I) so printed
// passwords can be typed from a screen.
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newPassword returns n characters from crypto/rand, drawn without modulo
// bias from passwordAlphabet.
func newPassword(n int) string {
	limit := byte(256 - 256%len(passwordAlphabet))
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		_, _ = rand.Read(buf) // never fails (crypto/rand panics instead)
		for _, b := range buf {
			if b < limit && len(out) < n {
				out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
			}
		}
	}
	return string(out)
}

// seedDemo fills an empty database (no accounts, extensions or
// departments) with an admin account, one department and five extensions
// with the portal enabled, and prints their generated passwords to out.
// The passwords are stored only as hashes, so this is the only time they
// are shown; on every later start the database is not empty and nothing
// is printed.
func seedDemo(ctx context.Context, st *store.Store, plan config.Numbering, out io.Writer) error {
	accounts, err := st.Accounts.List(ctx)
	if err != nil {
		return err
	}
	exts, err := st.Extensions.List(ctx, store.ExtensionFilter{})
	if err != nil {
		return err
	}
	deps, err := st.Departments.List(ctx)
	if err != nil {
		return err
	}
	if len(accounts)+len(exts)+len(deps) > 0 {
		return nil
	}
	adminPW := newPassword(passwordLength)
	if _, err := st.Accounts.Create(ctx, demoAdmin, adminPW, store.RoleAdmin); err != nil {
		return fmt.Errorf("seed demo admin: %w", err)
	}
	dep := &store.Department{Name: demoDepartment}
	if err := st.Departments.Create(ctx, dep); err != nil {
		return fmt.Errorf("seed demo department: %w", err)
	}
	type seeded struct{ number, portal, sip string }
	var made []seeded
	for _, n := range demoNumbers(plan, demoExtensions) {
		e := &store.Extension{
			Number:        n,
			Name:          "Extension " + n,
			DepartmentID:  &dep.ID,
			PortalEnabled: true,

			PortalPassword: newPassword(passwordLength),
			SIPSecret:      newPassword(sipSecretLen),
		}
		pw := e.PortalPassword
		if err := st.Extensions.Create(ctx, e); err != nil {
			return fmt.Errorf("seed demo extension %s: %w", n, err)
		}
		made = append(made, seeded{n, pw, e.SIPSecret})
	}
	fmt.Fprintln(out, "First start: demo data created. Write these passwords down: they are shown only now.")
	fmt.Fprintf(out, "  admin account   user %-6s password %s\n", demoAdmin, adminPW)
	fmt.Fprintf(out, "  department      %s\n", demoDepartment)
	for _, s := range made {
		fmt.Fprintf(out, "  extension %-5s portal password %s  SIP password %s\n", s.number, s.portal, s.sip)
	}
	fmt.Fprintln(out, "Change them with 'switchboard admin reset-password' and 'switchboard admin reset-portal-password'.")
	return nil
}

// demoNumbers picks 101, 102, … when the plan allows them, else the first
// extension numbers of the plan.
func demoNumbers(plan config.Numbering, n int) []string {
	start := 101
	if !plan.IsExtension(strconv.Itoa(start)) {
		start = plan.Extensions.From
	}
	var out []string
	for i := start; i <= plan.Extensions.To && len(out) < n; i++ {
		if s := strconv.Itoa(i); plan.IsExtension(s) {
			out = append(out, s)
		}
	}
	return out
}
