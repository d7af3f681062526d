package voicemail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/core"
	"github.com/switchboard-pbx/switchboard/store"
)

// folderSounds names the folders as Comedian Mail says them, in its order:
// 0 INBOX (new), 1 Old, 2 Work, 3 Family, 4 Friends.
var folderSounds = map[string]string{
	store.FolderNew:     "sound:vm-INBOX",
	store.FolderOld:     "sound:vm-Old",
	store.FolderWork:    "sound:vm-Work",
	store.FolderFamily:  "sound:vm-Family",
	store.FolderFriends: "sound:vm-Friends",
}

// folderName is "<folder> messages", as Comedian's vm_play_folder_name.
func folderName(folder string) []string {
	return []string{folderSounds[folder], "sound:vm-messages"}
}

// folderChoiceWait is how long Comedian waits for a key after listing the
// folders; folderChoiceRounds how often it lists them before giving up.
const (
	folderChoiceWait   = 4 * time.Second
	folderChoiceRounds = 4
)

// chooseFolder is Comedian's get_folder2: intro ("vm-changeto" or
// "vm-savefolder"), then "press 0 for INBOX messages, 1 for Old messages …
// or pound to cancel", up to four times. It returns the chosen folder, or
// "" when the caller pressed # or nothing.
func (ss *session) chooseFolder(ctx context.Context, intro string) (string, error) {
	listing := []string{"sound:vm-press"}
	for i, f := range store.VoicemailFolders {
		listing = append(listing, "number:"+strconv.Itoa(i), "sound:vm-for")
		listing = append(listing, folderName(f)...)
	}
	listing = append(listing, "sound:vm-tocancel")
	prompt := append([]string{intro}, listing...)
	for round := 0; round < folderChoiceRounds; round++ {
		key, err := ss.c.Collect(ctx, ss.c.Caller, core.CollectOptions{
			Prompt: prompt, Max: 1, Terminator: "none", FirstTimeout: folderChoiceWait})
		if err != nil {
			return "", err
		}
		switch {
		case key == "#":
			return "", nil
		case len(key) == 1 && key[0] >= '0' && int(key[0]-'0') < len(store.VoicemailFolders):
			return store.VoicemailFolders[key[0]-'0'], nil
		case key != "":
			if err := ss.c.Play(ctx, ss.c.Caller, "sound:vm-sorry"); err != nil {
				return "", err
			}
		}
		prompt = listing
	}
	return "", nil
}

// changeFolder is main menu option 2: the messages option 1 plays are then
// those of the chosen folder.
func (ss *session) changeFolder(ctx context.Context) error {
	f, err := ss.chooseFolder(ctx, "sound:vm-changeto")
	if err != nil || f == "" {
		return err
	}
	ss.folder = f
	ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s opens folder %s", ss.box, f))
	return ss.c.Play(ctx, ss.c.Caller, folderName(f)...)
}

// inView reports whether a message in folder belongs to the messages the
// session lists: the chosen folder, or new and old before any choice.
func (ss *session) inView(folder string) bool {
	if ss.folder == "" {
		return folder == store.FolderNew || folder == store.FolderOld
	}
	return folder == ss.folder
}

// viewFolders are the folders listed, in the order they are played.
func (ss *session) viewFolders() []string {
	if ss.folder == "" {
		return []string{store.FolderNew, store.FolderOld}
	}
	return []string{ss.folder}
}

// messages lists the session's messages, oldest first in each folder.
func (ss *session) messages(ctx context.Context) ([]store.VoicemailMessage, error) {
	var out []store.VoicemailMessage
	for _, f := range ss.viewFolders() {
		ms, err := ss.s.o.Messages.List(ctx, ss.box, f)
		if err != nil {
			return nil, fmt.Errorf("voicemail %s: %w", ss.box, err)
		}
		slices.Reverse(ms)
		out = append(out, ms...)
	}
	return out, nil
}

// errNoFolder means the caller cancelled a save.
var errNoFolder = errors.New("voicemail: no folder chosen")

// saveTo is message option 9: "which folder?", then the message is filed
// there ("message 3 saved to Work messages") and the lamp follows.
func (ss *session) saveTo(ctx context.Context, m *store.VoicemailMessage, i int) error {
	f, err := ss.chooseFolder(ctx, "sound:vm-savefolder")
	if err != nil {
		return err
	}
	if f == "" {
		return errNoFolder
	}
	if f != m.Folder {
		if err := ss.s.o.Messages.SetFolder(ctx, m.ID, f); err != nil {
			return fmt.Errorf("voicemail %s: save to %s: %w", ss.box, f, err)
		}
		m.Folder = f
		ss.s.UpdateMWI(context.WithoutCancel(ctx), ss.c.Client(), ss.box)
	}
	ss.c.Trace(ctx, "voicemail", fmt.Sprintf("%s saved message %d to %s", ss.box, m.ID, f))
	media := append([]string{"sound:vm-message", "number:" + strconv.Itoa(i+1), "sound:vm-savedto"}, folderName(f)...)
	return ss.c.Play(ctx, ss.c.Caller, media...)
}
