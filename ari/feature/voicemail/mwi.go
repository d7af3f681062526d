package voicemail

import (
	"context"
	"errors"

	"github.com/switchboard-pbx/switchboard/ari"
)

// MailboxID is the MWI mailbox of an extension: <ext>@<MailboxContext>, the
// same string the endpoints' mailboxes= setting names.
func (s *Service) MailboxID(mailbox string) string { return mailbox + "@" + s.o.MailboxContext }

// UpdateMWI publishes a mailbox's new/old counts from the store to Asterisk
// (PUT /mailboxes), which lights the phones' lamps (SYS-MWI). Failures are
// logged, never returned: a lamp must not stop a call. An Asterisk built
// without res_mwi_external answers 404; that is logged once.
func (s *Service) UpdateMWI(ctx context.Context, c *ari.Client, mailbox string) {
	n, o, err := s.o.Messages.Counts(ctx, mailbox)
	if err != nil {
		s.log.ErrorContext(ctx, "mwi: count messages", "mailbox", mailbox, "err", err)
		return
	}
	err = c.Mailboxes().Update(ctx, s.MailboxID(mailbox), ari.MailboxUpdateParams{NewMessages: n, OldMessages: o})
	switch {
	case err == nil:
		s.log.DebugContext(ctx, "mwi updated", "mailbox", s.MailboxID(mailbox), "new", n, "old", o)
	case errors.Is(err, ari.ErrNotFound):
		if s.noMWI.CompareAndSwap(false, true) {
			s.log.WarnContext(ctx, "mwi: Asterisk has no /mailboxes (res_mwi_external and res_ari_mailboxes not built); message lamps stay off",
				"mailbox", s.MailboxID(mailbox))
		}
	default:
		s.log.ErrorContext(ctx, "mwi update failed", "mailbox", s.MailboxID(mailbox), "err", err)
	}
}
