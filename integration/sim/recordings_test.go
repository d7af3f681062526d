package sim

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Asterisk creates the subfolders a recording name asks for and finds,
// lists, copies and deletes stored recordings by that name, sent with its
// slashes percent-encoded (res_stasis_recording.c, stasis_recording/stored.c).
func TestRecordingNamesWithSubfoldersAreStoredListedCopiedAndDeleted(t *testing.T) {
	e := newTestEnv(t, Options{})
	e.register("201", "desk")[0].Send("1000Hz")
	e.connect("switchboard")
	a, _ := e.s.Phone("201").Devices()[0].Dial("300")
	e.do("POST", "/channels/"+a.ChannelID()+"/answer", nil, nil)
	const name = "vm/201/msg-1"
	esc := url.PathEscape(name)
	if st, _ := e.do("POST", "/channels/"+a.ChannelID()+"/record", q("name", name, "format", "wav", "terminateOn", "#"), nil); st != 201 {
		t.Fatalf("record: %d", st)
	}
	if st, _ := e.do("GET", "/recordings/live/"+esc, nil, nil); st != 200 {
		t.Fatalf("live recording by its escaped name: %d", st)
	}
	if st, _ := e.do("GET", "/recordings/stored/"+esc, nil, nil); st != 404 {
		t.Fatalf("a recording still under way is stored: %d", st)
	}
	e.advance(2 * time.Second)
	_ = a.SendDTMF("#")
	e.waitEvent("RecordingFinished", "")
	if _, err := os.Stat(filepath.Join(e.s.RecordingDir(), "vm", "201", "msg-1.wav")); err != nil {
		t.Fatalf("no WAV in the subfolder: %v", err)
	}
	st, body := e.do("GET", "/recordings/stored/"+esc, nil, nil)
	var got storedRecordingJSON
	if err := json.Unmarshal(body, &got); st != 200 || err != nil || got.Name != name || got.Format != "wav" {
		t.Fatalf("stored recording: %d %s", st, body)
	}
	if st, body := e.do("GET", "/recordings/stored/"+esc+"/file", nil, nil); st != 200 || len(body) != 44+2*8000*2 {
		t.Fatalf("file: %d, %d bytes", st, len(body))
	}
	const copied = "vm/202/msg-7"
	if st, body := e.do("POST", "/recordings/stored/"+esc+"/copy", q("destinationRecordingName", copied), nil); st != 200 {
		t.Fatalf("copy into a new subfolder: %d %s", st, body)
	}
	if st, _ := e.do("GET", "/recordings/stored/vm%2F201", nil, nil); st != 404 {
		t.Fatalf("a folder answered as a recording: %d", st)
	}
	var list []storedRecordingJSON
	_, body = e.do("GET", "/recordings/stored", nil, nil)
	if err := json.Unmarshal(body, &list); err != nil || len(list) != 2 || list[0].Name != name || list[1].Name != copied {
		t.Fatalf("stored list %s, want %s and %s", body, name, copied)
	}
	if st, _ := e.do("DELETE", "/recordings/stored/"+esc, nil, nil); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	if st, _ := e.do("GET", "/recordings/stored/"+esc, nil, nil); st != 404 {
		t.Fatalf("deleted recording still found: %d", st)
	}
	if st, _ := e.do("GET", "/recordings/stored/"+url.PathEscape(copied), nil, nil); st != 200 {
		t.Fatalf("the copy went with the original: %d", st)
	}
}

func TestStoredRecordingNamesCannotLeaveTheRecordingFolder(t *testing.T) {
	top := t.TempDir()
	e := newTestEnv(t, Options{RecordingDir: filepath.Join(top, "recording")})
	outside := filepath.Join(top, "secret.wav")
	if err := os.WriteFile(outside, []byte("RIFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"../secret", "vm/../../secret", "/etc/passwd"} {
		if st, _ := e.do("GET", "/recordings/stored/"+url.PathEscape(n), nil, nil); st != 404 {
			t.Errorf("GET %q: %d, want 404", n, st)
		}
	}
}

func TestPlayingARecordingBackSoundsLikeWhatWasRecorded(t *testing.T) {
	e := newTestEnv(t, Options{})
	dev := e.register("201", "desk")[0]
	dev.Send("1000Hz")
	e.connect("switchboard")
	a, _ := e.s.Phone("201").Devices()[0].Dial("300")
	e.do("POST", "/channels/"+a.ChannelID()+"/answer", nil, nil)
	e.do("POST", "/channels/"+a.ChannelID()+"/record", q("name", "vm/201/msg-1", "format", "wav", "terminateOn", "#"), nil)
	e.advance(2 * time.Second)
	_ = a.SendDTMF("#")
	e.waitEvent("RecordingFinished", "")
	e.do("POST", "/recordings/stored/vm%2F201%2Fmsg-1/copy", q("destinationRecordingName", "vm/202/msg-9"), nil)
	dev.Send("")
	for _, name := range []string{"vm/201/msg-1", "vm/202/msg-9"} {
		if st, _ := e.do("POST", "/channels/"+a.ChannelID()+"/play/pb-"+filepath.Base(name), q("media", "recording:"+name), nil); st != 201 {
			t.Fatalf("play %s: %d", name, st)
		}
		e.waitEvent("PlaybackStarted", "")
		hears := a.Hears()
		if len(hears) != 2 || hears[0] != "1000Hz" || hears[1] != "recording:"+name {
			t.Errorf("while %s plays the phone hears %v, want the 1000 Hz it was recorded from", name, hears)
		}
		e.advance(2 * time.Second)
		e.waitEvent("PlaybackFinished", "")
	}
	if hears := a.Hears(); len(hears) != 0 {
		t.Errorf("after the playbacks the phone hears %v", hears)
	}
}

func TestCloseRemovesOnlyARecordingsFolderTheSimulatorMade(t *testing.T) {
	own, err := New(Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	given := t.TempDir()
	other, err := New(Options{Logger: discardLogger(), RecordingDir: given})
	if err != nil {
		t.Fatal(err)
	}
	if err := own.Close(); err != nil {
		t.Fatal(err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(own.RecordingDir()); !os.IsNotExist(err) {
		t.Errorf("the simulator's own folder %s is still there (%v)", own.RecordingDir(), err)
	}
	if _, err := os.Stat(given); err != nil {
		t.Errorf("the folder it was given is gone: %v", err)
	}
}
