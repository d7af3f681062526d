package voicemail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/store"
)

// oneKey collects a single menu key: "#" and "*" are choices, so no digit
// ends the entry ("none" never matches one).
func oneKey(prompt ...string) core.CollectOptions {
	return core.CollectOptions{Prompt: prompt, Max: 1, Terminator: "none"}
}

// maxSilentTurns is how many prompts in a row may go unanswered.
const maxSilentTurns = 3

// session is one logged-in caller in a mailbox.
type session struct {
	s   *Service
	env *feature.Env
	c   *core.Call
	req *feature.Request
	ext *store.Extension
	box string
	log *slog.Logger
	// folder is the folder option 1 plays, chosen with option 2; "" (the
	// start) plays the new messages, then the old ones.
	folder string
	// loc is the system's time zone, for the envelopes.
	loc *time.Location
}

// menu runs Comedian Mail's main menu: 1 messages, 2 change folder,
// 3 advanced options (5 send a message; reply and call back while a
// message plays), 0 mailbox options, * help, # goodbye.
func (s *Service) menu(ctx context.Context, env *feature.Env, req *feature.Request, ext *store.Extension) error {
	ss := &session{s: s, env: env, c: req.Call, req: req, ext: ext, box: ext.Number,
		log: env.Logger(req, "voicemail").With("mailbox", ext.Number), loc: zone(ctx, env)}
	key, err := ss.announce(ctx)
	if err != nil {
		return gone(err)
	}
	silent := 0
	for {
		if key == "" {
			prompt, err := ss.mainPrompt(ctx)
			if err != nil {
				return err
			}
			if key, err = ss.c.Collect(ctx, ss.c.Caller, oneKey(prompt...)); err != nil {
				return gone(err)
			}
		}
		switch key {
		case "":
			if silent++; silent >= maxSilentTurns {
				return s.sayGoodbye(ctx, ss.c)
			}
		case "1":
			silent = 0
			err = ss.listen(ctx)
		case "2":
			silent = 0
			err = ss.changeFolder(ctx)
		case "3":
			silent = 0
			err = ss.advanced(ctx, nil)
		case "0":
			silent = 0
			err = ss.options(ctx)
		case "*":
			err = ss.c.Play(ctx, ss.c.Caller, "sound:vm-opts-full")
		case "#":
			return s.sayGoodbye(ctx, ss.c)
		default:
			err = ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry")
		}
		if errors.Is(err, errCalledBack) {
			return nil
		}
		if err != nil {
			return gone(err)
		}
		key = ""
	}
}

// announce says "you have N new messages and M old messages"; a key pressed
// meanwhile is returned as the first menu choice.
func (ss *session) announce(ctx context.Context) (string, error) {
	n, o, err := ss.s.o.Messages.Counts(ctx, ss.box)
	if err != nil {
		return "", fmt.Errorf("voicemail %s: %w", ss.box, err)
	}
	media := []string{"sound:vm-youhave"}
	if n > 0 {
		media = append(media, "number:"+strconv.Itoa(n), "sound:vm-INBOX", plural(n))
	}
	if n > 0 && o > 0 {
		media = append(media, "sound:vm-and")
	}
	if o > 0 {
		media = append(media, "number:"+strconv.Itoa(o), "sound:vm-Old", plural(o))
	}
	if n == 0 && o == 0 {
		media = append(media, "sound:vm-no", "sound:vm-messages")
	}
	return ss.c.PlayInterruptible(ctx, ss.c.Caller, media...)
}

func plural(n int) string {
	if n == 1 {
		return "sound:vm-message"
	}
	return "sound:vm-messages"
}

// mainPrompt is "press 1 for new (or old, or the chosen folder's)
// messages", then the options.
func (ss *session) mainPrompt(ctx context.Context) ([]string, error) {
	if ss.folder != "" {
		ms, err := ss.s.o.Messages.List(ctx, ss.box, ss.folder)
		if err != nil {
			return nil, fmt.Errorf("voicemail %s: %w", ss.box, err)
		}
		if len(ms) == 0 {
			return []string{"sound:vm-opts"}, nil
		}
		return append(append([]string{"sound:vm-onefor"}, folderName(ss.folder)...), "sound:vm-opts"), nil
	}
	n, o, err := ss.s.o.Messages.Counts(ctx, ss.box)
	if err != nil {
		return nil, fmt.Errorf("voicemail %s: %w", ss.box, err)
	}
	switch {
	case n > 0:
		return []string{"sound:vm-onefor", "sound:vm-INBOX", "sound:vm-messages", "sound:vm-opts"}, nil
	case o > 0:
		return []string{"sound:vm-onefor", "sound:vm-Old", "sound:vm-messages", "sound:vm-opts"}, nil
	}
	return []string{"sound:vm-opts"}, nil
}

// listen plays the messages: 5 repeat, 4 previous, 6 next, 7 delete (7
// again undeletes), 8 forward, 9 save to a folder, 3 advanced (2 call back),
// * help, # back. Hearing a new message marks it read (old). As in Comedian
// Mail, messages marked for deletion go when the caller leaves the list, by
// # or by hanging up.
func (ss *session) listen(ctx context.Context) error {
	msgs, err := ss.messages(ctx)
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		return ss.c.Play(ctx, ss.c.Caller, "sound:vm-no", "sound:vm-messages")
	}
	deleted := map[uint64]bool{}
	defer func() { ss.purge(context.WithoutCancel(ctx), msgs, deleted) }()
	i, play, silent := 0, true, 0
	for {
		key := ""
		if play {
			play = false
			if key, err = ss.play(ctx, &msgs[i], i, len(msgs)); err != nil {
				return err
			}
		}
		if key == "" {
			if key, err = ss.c.Collect(ctx, ss.c.Caller, oneKey(ss.messagePrompt(i, len(msgs), deleted[msgs[i].ID])...)); err != nil {
				return err
			}
		}
		switch key {
		case "":
			if silent++; silent >= maxSilentTurns {
				return nil
			}
			continue
		case "5":
			play = true
		case "4", "6":
			next := i + 1
			if key == "4" {
				next = i - 1
			}
			if play, err = ss.step(ctx, &i, next, len(msgs)); err != nil {
				return err
			}
		case "7":
			id := msgs[i].ID
			deleted[id] = !deleted[id]
			if !deleted[id] {
				if err := ss.c.Play(ctx, ss.c.Caller, "sound:vm-undeleted"); err != nil {
					return err
				}
				break
			}
			if err := ss.c.Play(ctx, ss.c.Caller, "sound:vm-deleted"); err != nil {
				return err
			}
			if allMarked(msgs, deleted) {
				return ss.c.Play(ctx, ss.c.Caller, "sound:vm-no", "sound:vm-messages")
			}
			if play, err = ss.step(ctx, &i, i+1, len(msgs)); err != nil {
				return err
			}
		case "9":
			err := ss.saveTo(ctx, &msgs[i], i)
			if err == nil {
				delete(deleted, msgs[i].ID) // saved, not deleted
			}
			switch {
			case errors.Is(err, errNoFolder):
			case err != nil:
				return err
			case ss.inView(msgs[i].Folder):
				if play, err = ss.step(ctx, &i, i+1, len(msgs)); err != nil {
					return err
				}
			default:
				var done bool
				if msgs, play, done, err = ss.drop(ctx, msgs, &i, deleted); err != nil || done {
					return err
				}
			}
		case "8":
			if err := ss.forward(ctx, &msgs[i]); err != nil {
				return err
			}
		case "3":
			if err := ss.advanced(ctx, &msgs[i]); err != nil {
				return err
			}
		case "*":
			continue
		case "#":
			return nil
		default:
			if err := ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry"); err != nil {
				return err
			}
		}
		silent = 0
	}
}

// play plays message i of n as Comedian Mail does (envelope=yes, saycid=no,
// its defaults): "first message", "last message" or "message <i>", when it
// was received, then the recording, which * rewinds and # fast-forwards.
// 1 during the envelope skips to the recording; any other key stops the
// playing and is returned. Hearing a message files it as read.
func (ss *session) play(ctx context.Context, m *store.VoicemailMessage, i, n int) (string, error) {
	media := []string{}
	switch {
	case i == 0:
		media = append(media, "sound:vm-first", "sound:vm-message")
	case i == n-1:
		media = append(media, "sound:vm-last", "sound:vm-message")
	default:
		media = append(media, "sound:vm-message", "number:"+strconv.Itoa(i+1))
	}
	media = append(media, received(m.ReceivedAt, ss.c.Now(), ss.loc)...)
	key, err := ss.c.PlayInterruptible(ctx, ss.c.Caller, media...)
	if key == "1" {
		key = ""
	}
	if err == nil && key == "" {
		key, err = ss.playMessage(ctx, ss.s.messageMedia(m)...)
	}
	if m.Folder == store.FolderNew {
		if ferr := ss.s.o.Messages.SetFolder(context.WithoutCancel(ctx), m.ID, store.FolderOld); ferr != nil {
			return key, errors.Join(err, fmt.Errorf("voicemail %s: mark read: %w", ss.box, ferr))
		}
		m.Folder = store.FolderOld
		ss.s.UpdateMWI(context.WithoutCancel(ctx), ss.c.Client(), ss.box)
	}
	return key, err
}

// messagePrompt lists the keys that make sense on message i of n.
func (ss *session) messagePrompt(i, n int, deleted bool) []string {
	p := []string{"sound:vm-repeat"}
	if i > 0 {
		p = append(p, "sound:vm-prev")
	}
	if i < n-1 {
		p = append(p, "sound:vm-next")
	}
	del := "sound:vm-delete"
	if deleted {
		del = "sound:vm-undelete"
	}
	return append(p, "sound:vm-advopts", del, "sound:vm-toforward", "sound:vm-savemessage", "sound:vm-helpexit")
}
