package voicemail

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari"
	"github.com/switchboard-pbx/switchboard/store"
)

// MailboxID is the MWI mailbox of an extension: <ext>@<MailboxContext>, the
// same string the endpoints' mailboxes= setting names.
func (s *Service) MailboxID(mailbox string) string { return mailbox + "@" + s.o.MailboxContext }

// UpdateMWI publishes a mailbox's new/old counts from the store to Asterisk
// (PUT /mailboxes), which lights the phones' lamps (SYS-MWI). Failures are
// logged, never returned: a lamp must not stop a call. An Asterisk built
// without res_mwi_external answers 404; that is logged once.
func (s *Service) UpdateMWI(ctx context.Context, c *ari.Client, mailbox string) {
	if err := s.publish(ctx, c, mailbox); err != nil && !errors.Is(err, ari.ErrNotFound) {
		s.log.ErrorContext(ctx, "mwi update failed", "mailbox", s.MailboxID(mailbox), "err", err)
	}
}

// publish sends one mailbox's counts; a missing /mailboxes is logged once
// and returned as ari.ErrNotFound.
func (s *Service) publish(ctx context.Context, c *ari.Client, mailbox string) error {
	n, o, err := s.o.Messages.Counts(ctx, mailbox)
	if err != nil {
		return fmt.Errorf("mwi: count messages of %s: %w", mailbox, err)
	}
	err = c.Mailboxes().Update(ctx, s.MailboxID(mailbox), ari.MailboxUpdateParams{NewMessages: n, OldMessages: o})
	switch {
	case err == nil:
		s.log.DebugContext(ctx, "mwi updated", "mailbox", s.MailboxID(mailbox), "new", n, "old", o)
		return nil
	case errors.Is(err, ari.ErrNotFound):
		s.warnNoMWI(ctx, mailbox)
	}
	return fmt.Errorf("mwi: update %s: %w", s.MailboxID(mailbox), err)
}

func (s *Service) warnNoMWI(ctx context.Context, mailbox string) {
	if s.noMWI.CompareAndSwap(false, true) {
		s.log.WarnContext(ctx, "mwi: Asterisk has no /mailboxes (res_mwi_external and res_ari_mailboxes not built); message lamps stay off",
			"mailbox", s.MailboxID(mailbox))
	}
}

// ReconcileMWI makes Asterisk's lamps match the store after a (re)connect:
// every mailbox in boxes gets its counts (Asterisk keeps the last ones in
// astdb, which may be stale), and lamps of this context for any other
// mailbox (voicemail turned off, extension gone) are deleted. It goes on
// after a failure and returns the failures joined; an Asterisk without
// /mailboxes is no failure (logged once).
func (s *Service) ReconcileMWI(ctx context.Context, c *ari.Client, boxes []string) error {
	keep := make(map[string]bool, len(boxes))
	var errs []error
	for _, b := range boxes {
		keep[s.MailboxID(b)] = true
		if err := s.publish(ctx, c, b); err != nil {
			if errors.Is(err, ari.ErrNotFound) {
				return nil
			}
			errs = append(errs, err)
		}
	}
	have, err := c.Mailboxes().List(ctx)
	if err != nil {
		if errors.Is(err, ari.ErrNotFound) {
			s.warnNoMWI(ctx, "")
			return errors.Join(errs...)
		}
		return errors.Join(append(errs, fmt.Errorf("mwi: list mailboxes: %w", err))...)
	}
	for _, m := range have {
		if keep[m.Name] || !strings.HasSuffix(m.Name, "@"+s.o.MailboxContext) {
			continue
		}
		if err := c.Mailboxes().Delete(ctx, m.Name); err != nil && !errors.Is(err, ari.ErrNotFound) {
			errs = append(errs, fmt.Errorf("mwi: delete %s: %w", m.Name, err))
			continue
		}
		s.log.InfoContext(ctx, "mwi: lamp of a mailbox without voicemail cleared", "mailbox", m.Name)
	}
	return errors.Join(errs...)
}

// EnabledMailboxes lists the extensions whose mailbox is on: the boxes
// ReconcileMWI publishes.
func EnabledMailboxes(ctx context.Context, repo *store.ExtensionRepo) ([]string, error) {
	exts, err := repo.List(ctx, store.ExtensionFilter{})
	if err != nil {
		return nil, fmt.Errorf("voicemail: mailboxes: %w", err)
	}
	var out []string
	for _, e := range exts {
		if e.VoicemailEnabled {
			out = append(out, e.Number)
		}
	}
	return out, nil
}
