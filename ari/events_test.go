package ari

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/aritest"
)

// traceLine is one line of a recorded trace.
type traceLine struct {
	Dir    string          `json:"dir"`
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

func readTraces(t *testing.T) map[string][]traceLine {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(aritest.TracesDir(t), "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no traces: %v", err)
	}
	out := map[string][]traceLine{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var l traceLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out[filepath.Base(f)] = append(out[filepath.Base(f)], l)
		}
		fh.Close()
	}
	return out
}

func TestEveryTracedEventDecodesToItsTypeWithoutLoss(t *testing.T) {
	n := 0
	for file, lines := range readTraces(t) {
		for i, l := range lines {
			if l.Dir != "event" {
				continue
			}
			n++
			ev, err := DecodeEvent(l.Body)
			if err != nil {
				t.Fatalf("%s:%d: %v", file, i+1, err)
			}
			if _, unknown := ev.(*UnknownEvent); unknown {
				t.Errorf("%s:%d: %s decoded as UnknownEvent", file, i+1, ev.EventType())
				continue
			}
			again, err := json.Marshal(ev)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			_ = json.Unmarshal(l.Body, &want)
			_ = json.Unmarshal(again, &got)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s:%d: %s lost data\nwant %s\ngot  %s", file, i+1, ev.EventType(), l.Body, again)
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d events in the traces", n)
	}
}

func TestTracedErrorAnswersMapToTypedErrors(t *testing.T) {
	seen := map[int]bool{}
	for file, lines := range readTraces(t) {
		for i, l := range lines {
			if l.Dir != "response" || l.Status < 400 {
				continue
			}
			e := &Error{Status: l.Status, Method: l.Method, Path: l.Path, Message: errorMessage(l.Body, "")}
			var want error
			switch l.Status {
			case 404:
				want = ErrNotFound
			case 409:
				want = ErrConflict
			case 400, 422:
				want = ErrInvalid
			case 500:
				want = ErrServer
				if e.Message == "Allocation failed" {
					want = ErrUnavailable
				}
			default:
				continue
			}
			seen[l.Status] = true
			if !errors.Is(e, want) {
				t.Errorf("%s:%d: %v does not match %v", file, i+1, e, want)
			}
			if e.Message == "" {
				t.Errorf("%s:%d: no message from %s", file, i+1, l.Body)
			}
		}
	}
	for _, st := range []int{404, 409, 500} {
		if !seen[st] {
			t.Errorf("traces had no %d answer to check", st)
		}
	}
}

func TestUnknownEventTypeIsKeptWithItsRawJSON(t *testing.T) {
	raw := []byte(`{"type":"FutureThing","application":"switchboard","timestamp":"2026-11-25T21:05:31.991+0000","x":{"y":1}}`)
	ev, err := DecodeEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	u, ok := ev.(*UnknownEvent)
	if !ok || u.EventType() != "FutureThing" || u.Application != "switchboard" {
		t.Fatalf("got %#v", ev)
	}
	out, _ := json.Marshal(u)
	if string(out) != string(raw) {
		t.Fatalf("re-marshal %s", out)
	}
}

func TestDecodeEventFindsTypeInAnyPosition(t *testing.T) {
	raw := []byte(`{"application":"switchboard","digit":"5","duration_ms":180,"channel":{"id":"c1"},"type":"ChannelDtmfReceived"}`)
	ev, err := DecodeEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := ev.(*ChannelDtmfReceived)
	if !ok || d.Digit != "5" || d.DurationMs != 180 || d.Channel.ID != "c1" {
		t.Fatalf("got %#v", ev)
	}
	if _, err := DecodeEvent([]byte(`{"digit":"5"}`)); !errors.Is(err, ErrBadEvent) {
		t.Fatalf("missing type: %v", err)
	}
	if _, err := DecodeEvent([]byte(`nope`)); !errors.Is(err, ErrBadEvent) {
		t.Fatalf("bad json: %v", err)
	}
}

func TestEventsNameTheChannelsAndBridgesTheyConcern(t *testing.T) {
	cases := []struct {
		raw      string
		channels []string
		bridges  []string
	}{
		{`{"type":"StasisStart","args":[],"channel":{"id":"new"},"replace_channel":{"id":"old"}}`, []string{"new", "old"}, nil},
		{`{"type":"Dial","dialstatus":"","peer":{"id":"p"},"caller":{"id":"c"}}`, []string{"c", "p"}, nil},
		{`{"type":"ChannelEnteredBridge","bridge":{"id":"b"},"channel":{"id":"c"}}`, []string{"c"}, []string{"b"}},
		{`{"type":"PlaybackFinished","playback":{"id":"pb","target_uri":"channel:c9"}}`, []string{"c9"}, nil},
		{`{"type":"RecordingFinished","recording":{"name":"r","target_uri":"bridge:b9"}}`, nil, []string{"b9"}},
		{`{"type":"BridgeAttendedTransfer","transferer_first_leg":{"id":"a"},"transferer_second_leg":{"id":"b"},"destination_bridge":"bx"}`, []string{"a", "b"}, []string{"bx"}},
		{`{"type":"ChannelTransfer","refer_to":{"requested_destination":{}},"referred_by":{"source_channel":{"id":"s"}}}`, []string{"s"}, nil},
		{`{"type":"DeviceStateChanged","device_state":{"name":"Stasis:park41","state":"INUSE"}}`, nil, nil},
	}
	for _, c := range cases {
		ev, err := DecodeEvent([]byte(c.raw))
		if err != nil {
			t.Fatal(err)
		}
		gotC, gotB := ev.ChannelIDs(), ev.BridgeIDs()
		slices.Sort(gotC)
		if !slices.Equal(gotC, c.channels) || !slices.Equal(gotB, c.bridges) {
			t.Errorf("%s: channels %v bridges %v, want %v %v", ev.EventType(), gotC, gotB, c.channels, c.bridges)
		}
	}
}

func TestDateTimeParsesAsteriskTimestamps(t *testing.T) {
	tm, err := DateTime("2026-11-25T21:05:31.991+0000").Time()
	if err != nil || tm.UnixMilli()%1000 != 991 {
		t.Fatalf("%v %v", tm, err)
	}
	if _, err := DateTime("yesterday").Time(); !errors.Is(err, ErrBadTimestamp) {
		t.Fatalf("bad timestamp: %v", err)
	}
	if NewDateTime(tm) != "2026-11-25T21:05:31.991+0000" {
		t.Fatalf("format %s", NewDateTime(tm))
	}
}

func TestEventTypeIsKnownWithoutTheTypeField(t *testing.T) {
	var ev Event = &ChannelDestroyed{Cause: 16}
	if ev.EventType() != "ChannelDestroyed" {
		t.Fatalf("EventType %q", ev.EventType())
	}
}

func TestAKnownEventWithAnUndecodableFieldIsKeptRaw(t *testing.T) {
	raw := []byte(`{"type":"ChannelDestroyed","application":"switchboard","cause":"sixteen","channel":{"id":"c1"}}`)
	ev, err := DecodeEvent(raw)
	if !errors.Is(err, ErrBadEvent) {
		t.Fatalf("err %v", err)
	}
	u, ok := ev.(*UnknownEvent)
	if !ok || u.EventType() != "ChannelDestroyed" || u.Application != "switchboard" || string(u.Raw) != string(raw) {
		t.Fatalf("got %#v", ev)
	}
}
