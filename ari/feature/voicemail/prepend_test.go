package voicemail_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/voicemail"
	"github.com/switchboard-pbx/switchboard/integration/sim"
	"github.com/switchboard-pbx/switchboard/store"
)

// forwardTo103 logs 102 in, plays its first message and forwards it
// to 103, choosing key at "1 to prepend, 2 without".
func (r *rig) forwardTo103(key string) *sim.Call {
	r.T.Helper()
	in := r.Dial(r.Device("102"), "*61#")
	r.dtmf(in, "sound:vm-password", 1, "1234#")
	r.dtmf(in, "sound:vm-opts", 1, "1")
	r.dtmf(in, "sound:vm-repeat", 1, "8")
	r.dtmf(in, "sound:vm-extension", 1, "103#")
	r.dtmf(in, "sound:vm-forwardoptions", 1, key)
	return in
}

func TestForwardWithPrependPlaysTheIntroductionBeforeTheMessage(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(3 * time.Second)
	in := r.forwardTo103("1")
	r.waitHeard(in, "sound:vm-record-prepend", 1, 30*time.Second)
	r.waitHeard(in, "sound:beep", 1, 30*time.Second)
	r.Advance(2 * time.Second)
	if err := in.SendDTMF("#"); err != nil {
		t.Fatal(err)
	}
	r.waitHeard(in, "sound:vm-msgforwarded", 1, 30*time.Second)
	_ = in.Hangup()
	r.WaitIdle()
	orig := r.messages("102", "")
	fwd := r.messages("103", store.FolderNew)
	if len(orig) != 1 || len(fwd) != 1 {
		t.Fatalf("102 has %d messages, 103 %d new; want 1 and 1", len(orig), len(fwd))
	}
	cp := fwd[0]
	if !strings.HasPrefix(cp.IntroPath, "vm/103/intro-") || cp.DurationSec != orig[0].DurationSec+2 || cp.CallerNumber != "101" {
		t.Fatalf("forwarded copy %+v of %+v: want an introduction of 2 s from the forwarder, caller 101", cp, orig[0])
	}
	if _, err := os.Stat(filepath.Join(r.Sim.RecordingDir(), cp.IntroPath)); err != nil {
		t.Fatalf("the introduction's WAV: %v", err)
	}
	intro := "recording:" + strings.TrimSuffix(cp.IntroPath, ".wav")
	msg := "recording:" + strings.TrimSuffix(cp.FilePath, ".wav")

	listen := r.Dial(r.Device("103"), "*60#")
	r.Dir.Ext("103").VoicemailPassword = "5555"
	r.dtmf(listen, "sound:vm-login", 1, "103#")
	r.dtmf(listen, "sound:vm-password", 1, "5555#")
	r.dtmf(listen, "sound:vm-opts", 1, "1")
	r.dtmf(listen, "sound:vm-repeat", 1, "7")
	r.dtmf(listen, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(listen, sim.CallEnded, 60*time.Second)
	if !inOrder(heard(listen), []string{"sound:vm-received", intro, msg, "sound:vm-repeat"}) {
		t.Errorf("103 heard %v, want the introduction then the message", heard(listen))
	}
	for _, p := range []string{cp.FilePath, cp.IntroPath} {
		if _, err := os.Stat(filepath.Join(r.Sim.RecordingDir(), p)); !os.IsNotExist(err) {
			t.Errorf("%s is still there after the copy was deleted: %v", p, err)
		}
	}
}

func TestForwardCancelledAtThePrependChoiceFilesNoCopy(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	in := r.forwardTo103("*")
	r.dtmf(in, "sound:vm-repeat", 2, "#")
	r.dtmf(in, "sound:vm-opts", 2, "#")
	r.WaitStateAdvancing(in, sim.CallEnded, 60*time.Second)
	if n := len(r.messages("103", "")); n != 0 {
		t.Errorf("103 has %d messages after a cancelled forward", n)
	}
	if count(in, "sound:vm-msgforwarded") != 0 {
		t.Errorf("a cancelled forward said forwarded: %v", heard(in))
	}
}

func TestTooShortIntroductionForwardsTheMessageWithoutOne(t *testing.T) {
	r := newRig(t, nil)
	r.leaveMessage(2 * time.Second)
	in := r.forwardTo103("1")
	r.dtmf(in, "sound:beep", 1, "#")
	r.waitHeard(in, "sound:vm-msgforwarded", 1, 30*time.Second)
	_ = in.Hangup()
	r.WaitIdle()
	fwd := r.messages("103", "")
	if len(fwd) != 1 || fwd[0].IntroPath != "" {
		t.Fatalf("103's messages %+v, want one without an introduction", fwd)
	}
	matches, _ := filepath.Glob(filepath.Join(r.Sim.RecordingDir(), "vm", "103", "intro-*"))
	if len(matches) != 0 {
		t.Errorf("the dropped introduction is still there: %v", matches)
	}
}

func TestForwardedMessageWithAnIntroductionIsEmailedWithBothWAVs(t *testing.T) {
	mb, port := startSMTP(t, nil)
	r := newRig(t, func(o *voicemail.Options) {
		o.SMTP = &voicemail.SMTP{Host: "127.0.0.1", Port: port, From: "pbx@example.com"}
	})
	r.Dir.Ext("103").Email = "user103@example.com"
	r.leaveMessage(3 * time.Second)
	in := r.forwardTo103("1")
	r.waitHeard(in, "sound:beep", 1, 30*time.Second)
	r.Advance(2 * time.Second)
	r.dtmf(in, "sound:beep", 1, "#")
	r.waitHeard(in, "sound:vm-msgforwarded", 1, 30*time.Second)
	_ = in.Hangup()
	r.WaitIdle()
	if err := r.svc.Wait(r.Ctx()); err != nil {
		t.Fatal(err)
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if len(mb.msgs) != 1 {
		t.Fatalf("%d e-mails, want 1", len(mb.msgs))
	}
	text, files := attachments(t, mb.msgs[0].data)
	cp := r.messages("103", "")[0]
	want := []string{cp.IntroPath, cp.FilePath}
	if len(files) != 2 {
		t.Fatalf("attached %d WAVs, want the introduction and the message", len(files))
	}
	for i, p := range want {
		wav, err := os.ReadFile(filepath.Join(r.Sim.RecordingDir(), p))
		if err != nil || files[i].name != filepath.Base(p) || !bytes.Equal(files[i].wav, wav) {
			t.Errorf("attachment %d is %s (%d bytes), want %s (%v)", i, files[i].name, len(files[i].wav), p, err)
		}
	}
	if !strings.Contains(text, "introduction") {
		t.Errorf("the text does not mention the introduction: %q", text)
	}
}

type wavFile struct {
	name string
	wav  []byte
}

// attachments parses a received e-mail: its text and its WAVs in order.
func attachments(t *testing.T, data []byte) (string, []wavFile) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var text string
	var files []wavFile
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return text, files
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		if p.FileName() == "" {
			text = string(body)
			continue
		}
		wav, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\r\n", ""))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, wavFile{p.FileName(), wav})
	}
}
