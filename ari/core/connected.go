package core

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/ari"
)

// Connected-line identity, the way app_dial handles it.
//
// When two channels meet in a two-party bridge, Asterisk tells each the
// other's caller id as its connected line. For a SIP channel that is already
// up, PJSIP sends that as a re-INVITE (with a new SDP) or an UPDATE: two more
// SIP transactions a call, which at 70 calls/s were the largest avoidable
// cost Asterisk had through the app (integration/bench). app_dial avoids
// them: it gives the caller the callee's identity before answering it, so
// that it goes out in the 200 OK, and joins the bridge with connected-line
// updates inhibited; the callee already has the caller's identity from its
// INVITE. Connect does the same.

// showConnected gives the caller, while it is not answered yet, the
// connected line l would give it in a bridge (l's caller id, the callee's
// endpoint identity). It reports whether the caller has it now: then the
// bridge must not send its own update. Nothing is sent to the caller's
// phone until it is answered (PJSIP's rpid_immediate is off), and Asterisk
// drops an update equal to the one already indicated.
//
// Dial calls it as soon as the first leg exists, not just before the
// answer: PJSIP sends the update from the session's serializer, and
// chan_pjsip_answer marks the channel up before its own task there — an
// update queued right before the answer found the channel up and went out
// as a re-INVITE after the 200 OK (59 % of the calls at 70 calls/s).
func (c *Call) showConnected(ctx context.Context, l *Leg) (bool, error) {
	if c.Caller.Gone || c.Caller.State == "Up" || l == nil {
		return false, nil
	}
	value, ok := connectedLine(l.Channel.Caller)
	if !ok {
		return false, nil
	}
	if value == c.shown {
		return true, nil
	}
	err := c.Client().Channels().SetVariable(ctx, c.Caller.ID,
		ari.ChannelSetVariableParams{Variable: "CONNECTEDLINE(all)", Value: value})
	if err != nil {
		if isGone(err) {
			return false, ErrCallerGone
		}
		return false, fmt.Errorf("connected line: %w", err)
	}
	c.shown = value
	return true, nil
}

// connectedLine renders id as CONNECTEDLINE(all)'s `"name" <number>`, or
// false when id has no number fit for a dial string's identity. The name is
// cut at characters that would end its quotes.
func connectedLine(id ari.CallerID) (string, bool) {
	if id.Number == "" || len(id.Number) > 40 {
		return "", false
	}
	for _, r := range id.Number {
		if !(r >= '0' && r <= '9' || r == '+' || r == '*' || r == '#') {
			return "", false
		}
	}
	name := strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r == '<' || r == '>' || r < ' ' {
			return -1
		}
		return r
	}, id.Name)
	if name == "" {
		return "<" + id.Number + ">", true
	}
	return `"` + name + `" <` + id.Number + ">", true
}
