package asteriskconf_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-pbx/switchboard/asterisk-conf/asterisktest"
)

func TestRealAsteriskFaxContextsReportTheResultAsAUserEvent(t *testing.T) {
	in := asterisktest.Start(t, nil)
	p := in.Params
	faxDir := filepath.Join(p.Dirs.Spool, "fax")
	txFile, rxFile := filepath.Join(faxDir, "tx.tif"), filepath.Join(faxDir, "rx.tif")
	if err := os.WriteFile(txFile, blankFaxTIFF(200), 0o600); err != nil {
		t.Fatal(err)
	}
	post := func(path string, q url.Values, body any) {
		t.Helper()
		var data []byte
		if body != nil {
			data, _ = json.Marshal(body)
		}
		req, _ := http.NewRequest(http.MethodPost, in.ARIURL+path+"?"+q.Encode(), bytesReader(data))
		req.SetBasicAuth(p.ARIUser, p.ARIPassword)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("POST %s %v: %d", path, q, resp.StatusCode)
		}
	}
	u := url.URL{Scheme: "ws", Host: fmt.Sprintf("127.0.0.1:%d", p.HTTPPort), Path: "/ari/events",
		RawQuery: url.Values{"app": {p.App}, "api_key": {p.ARIUser + ":" + p.ARIPassword}}.Encode()}
	ws, _, err := websocket.DefaultDialer.Dial(u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		ws.Close()
	}()

	// the ;2 half receives in fax-rx (FAXFILE inherited); the ;1 half comes
	// to the app, which sends it on to fax-tx with its own FAXFILE
	post("/channels", url.Values{"endpoint": {"Local/s@fax-rx"}, "app": {p.App}, "appArgs": {"faxtest"},
		"channelId": {"fax-1"}, "otherChannelId": {"fax-1b"}},
		map[string]any{"variables": map[string]string{"_FAXFILE": rxFile}})
	post("/applications/"+p.App+"/subscription", url.Values{"eventSource": {"channel:fax-1b"}}, nil)

	results := map[string]map[string]string{}
	back := map[string][]string{}
	del := func(id string) {
		req, _ := http.NewRequest(http.MethodDelete, in.ARIURL+"/channels/"+id, nil)
		req.SetBasicAuth(p.ARIUser, p.ARIPassword)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	ws.SetReadDeadline(time.Now().Add(40 * time.Second))
	for len(results) < 2 {
		var ev struct {
			Type      string            `json:"type"`
			Args      []string          `json:"args"`
			EventName string            `json:"eventname"`
			UserEvent map[string]string `json:"userevent"`
			Channel   struct {
				ID string `json:"id"`
			} `json:"channel"`
		}
		if err := ws.ReadJSON(&ev); err != nil {
			t.Fatalf("waiting for FaxResult (have %v): %v", results, err)
		}
		switch {
		case ev.Type == "StasisStart" && len(ev.Args) == 1 && ev.Args[0] == "faxtest":
			post("/applications/"+p.App+"/subscription", url.Values{"eventSource": {"channel:fax-1"}}, nil)
			post("/channels/fax-1/variable", url.Values{"variable": {"FAXFILE"}, "value": {txFile}}, nil)
			post("/channels/fax-1/continue", url.Values{"context": {"fax-tx"}, "extension": {"s"}, "priority": {"1"}}, nil)
		case ev.Type == "StasisStart" && len(ev.Args) == 5 && ev.Args[0] == "fax-done":
			// back in the app after the fax: [fax-done dir status pages error]
			back[ev.Args[1]] = ev.Args
			del(ev.Channel.ID)
		case ev.Type == "ChannelUserevent" && ev.EventName == "FaxResult":
			results[ev.UserEvent["dir"]] = ev.UserEvent
		}
	}
	rx, tx := results["rx"], results["tx"]
	if rx["status"] != "SUCCESS" || rx["pages"] != "1" {
		t.Errorf("receive result %v", rx)
	}
	if tx["status"] != "SUCCESS" || tx["pages"] != "1" {
		t.Errorf("send result %v", tx)
	}
	if len(back) == 0 {
		t.Errorf("no channel came back to the app with fax-done arguments")
	}
	for dir, args := range back {
		if args[2] != "SUCCESS" {
			t.Errorf("%s came back with %v", dir, args)
		}
	}
	if st, err := os.Stat(rxFile); err != nil || st.Size() == 0 {
		t.Errorf("received file: %v", err)
	}
	t.Logf("fax results: rx %v; tx %v; back in Stasis: %v", rx, tx, back)
}
