package ari

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestCallsMapAsteriskErrorAnswersToTypedErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ari/channels/create":
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"error":"Allocation failed"}`))
		case "/ari/channels/out-1/dial":
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"message":"Channel not found"}`))
		case "/ari/bridges/b1":
			w.WriteHeader(409)
			_, _ = w.Write([]byte(`{"message":"Bridge with id 'b1' already exists"}`))
		}
	}))
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL + "/ari"})
	ctx := context.Background()
	_, err := c.Channels().Create(ctx, ChannelCreateParams{Endpoint: "PJSIP/203", App: "switchboard", ChannelID: "out-1"})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("create on unregistered endpoint: %v", err)
	}
	err = c.Channels().Dial(ctx, "out-1", ChannelDialParams{Timeout: 4})
	var e *Error
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &e) || e.Message != "Channel not found" || e.Method != "POST" || e.Path != "/channels/out-1/dial" {
		t.Errorf("dial of a gone channel: %#v", err)
	}
	_, err = c.Bridges().CreateWithID(ctx, "b1", BridgeCreateWithIDParams{Type: "mixing,dtmf_events"})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("second bridge with the same id: %v", err)
	}
}

func TestChannelVariableReadsADialplanFunction(t *testing.T) {
	var gotQuery string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotQuery = r.URL.Query().Get("variable")
		_, _ = w.Write([]byte(`{"value":"PJSIP/202/sip:a&PJSIP/202/sip:b"}`))
	}))
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL + "/ari"})
	v, err := c.Channels().GetVariable(context.Background(), "c1", ChannelGetVariableParams{Variable: "PJSIP_DIAL_CONTACTS(202)"})
	if err != nil || v.Value != "PJSIP/202/sip:a&PJSIP/202/sip:b" || gotQuery != "PJSIP_DIAL_CONTACTS(202)" {
		t.Fatalf("value %+v err %v query %q", v, err, gotQuery)
	}
}

func TestStoredRecordingFileComesBackAsBytes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		_, _ = w.Write([]byte("RIFF\x00\x01"))
	}))
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL + "/ari"})
	b, err := c.Recordings().GetStoredFile(context.Background(), "vm/101/msg1")
	if err != nil || string(b) != "RIFF\x00\x01" {
		t.Fatalf("%q %v", b, err)
	}
}

func TestCallsStopWhenTheContextEnds(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	c := New(Options{BaseURL: srv.URL + "/ari"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Channels().Answer(ctx, "c1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}

func BenchmarkRESTRoundTrip(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"id":"c1","name":"PJSIP/201-1","state":"Up","caller":{"name":"","number":"201"},"connected":{"name":"","number":""},"accountcode":"","dialplan":{"context":"from-phones","exten":"202","priority":1,"app_name":"Stasis","app_data":"switchboard,phone,202"},"creationtime":"2026-11-25T21:05:31.991+0000","language":"en","protocol_id":""}`))
	}))
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL + "/ari"})
	ctx := context.Background()
	b.ReportAllocs()
	before := cpuTime()
	for b.Loop() {
		if _, err := c.Channels().Get(ctx, "c1"); err != nil {
			b.Fatal(err)
		}
	}
	// Client and httptest server share the process: this is both sides.
	b.ReportMetric(float64(cpuTime()-before)/float64(b.N), "cpu-ns/op")
}

func TestClientKeepsConnectionsUnderMaxConns(t *testing.T) {
	var mu sync.Mutex
	active, peak := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		active++
		peak = max(peak, active)
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		active--
		mu.Unlock()
	}))
	defer srv.Close()
	c := New(Options{BaseURL: srv.URL + "/ari", MaxConns: 3})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := c.Channels().Answer(context.Background(), "c1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if peak > 3 || peak == 0 {
		t.Fatalf("peak concurrent requests %d with MaxConns 3", peak)
	}
}
