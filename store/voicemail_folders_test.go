package store

import (
	"context"
	"testing"
)

func TestVoicemailMessagesMoveToTheSaveFoldersWhichTheLampIgnores(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		must(t, st.Extensions.Create(ctx, &Extension{Number: "201"}))
		var ids []uint64
		for i := range VoicemailFolders {
			m := &VoicemailMessage{Mailbox: "201", ReceivedAt: t0, DurationSec: 3, FilePath: "vm/201/msg-" + string(rune('a'+i)) + ".wav"}
			must(t, st.Voicemail.Create(ctx, m))
			ids = append(ids, m.ID)
		}
		for i, f := range VoicemailFolders {
			must(t, st.Voicemail.SetFolder(ctx, ids[i], f))
		}
		for i, f := range VoicemailFolders {
			list, err := st.Voicemail.List(ctx, "201", f)
			must(t, err)
			if len(list) != 1 || list[0].ID != ids[i] || list[0].Folder != f {
				t.Errorf("folder %s lists %+v, want message %d", f, list, ids[i])
			}
		}
		nw, old, err := st.Voicemail.Counts(ctx, "201")
		must(t, err)
		if nw != 1 || old != 1 {
			t.Errorf("lamp counts new=%d old=%d, want 1/1 (work, family, friends not counted)", nw, old)
		}
		friends := &VoicemailMessage{Mailbox: "201", ReceivedAt: t0, FilePath: "vm/201/msg-z.wav", Folder: FolderFriends}
		must(t, st.Voicemail.Create(ctx, friends))
		wantField(t, st.Voicemail.Create(ctx, &VoicemailMessage{Mailbox: "201", ReceivedAt: t0, FilePath: "x", Folder: "Cust1"}), "folder")
		_, err = st.Voicemail.List(ctx, "201", "trash")
		wantField(t, err, "folder")
	})
}
