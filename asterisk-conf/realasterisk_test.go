package asteriskconf_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	asteriskconf "github.com/switchboard-pbx/switchboard/asterisk-conf"
	"github.com/switchboard-pbx/switchboard/asterisk-conf/asterisktest"
)

// These tests run only with SWITCHBOARD_ASTERISK=<path to asterisk 22>.

func ariDo(t *testing.T, in *asterisktest.Instance, user, pass, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, in.ARIURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, pass)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func TestRealAsteriskLoadsTheFilesWithoutWarnings(t *testing.T) {
	in := asterisktest.Start(t, nil)
	p := in.Params
	time.Sleep(2 * time.Second) // let late module loads and reloads log
	if probs := in.Problems(); len(probs) > 0 {
		t.Errorf("Asterisk logged %d warnings/errors:\n%s", len(probs), strings.Join(probs, "\n"))
	}

	code, body := ariDo(t, in, p.ARIUser, p.ARIPassword, http.MethodGet, "/asterisk/info", nil)
	if code != http.StatusOK || !strings.Contains(string(body), `"version":"22.`) {
		t.Errorf("GET /asterisk/info = %d %s", code, body)
	}
	if code, _ := ariDo(t, in, p.ARIUser, p.ARIPassword+"x", http.MethodGet, "/asterisk/info", nil); code != http.StatusUnauthorized {
		t.Errorf("wrong ARI password answered %d, want 401", code)
	}

	var mods []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	}
	code, body = ariDo(t, in, p.ARIUser, p.ARIPassword, http.MethodGet, "/asterisk/modules", nil)
	if err := json.Unmarshal(body, &mods); code != http.StatusOK || err != nil {
		t.Fatalf("GET /asterisk/modules = %d %v", code, err)
	}
	running := map[string]bool{}
	for _, m := range mods {
		running[m.Name] = m.Status == "Running"
	}
	for _, m := range p.Modules() {
		if !running[m.Name] {
			t.Errorf("module %s is not running", m.Name)
		}
	}
	if running["res_pjsip_endpoint_identifier_anonymous.so"] || running["app_voicemail.so"] || running["res_parking.so"] {
		t.Errorf("a module we do not load is running")
	}
	if code, _ := ariDo(t, in, p.ARIUser, p.ARIPassword, http.MethodGet, "/mailboxes", nil); code != http.StatusOK {
		t.Errorf("GET /mailboxes = %d with Mailboxes on", code)
	}

	fields := map[string]any{"fields": []map[string]string{
		{"attribute": "context", "value": asteriskconf.ContextPhones},
		{"attribute": "disallow", "value": "all"},
		{"attribute": "allow", "value": "ulaw"},
	}}
	if code, body := ariDo(t, in, p.ARIUser, p.ARIPassword, http.MethodPut,
		"/asterisk/config/dynamic/res_pjsip/endpoint/101", fields); code != http.StatusOK {
		t.Fatalf("PUT dynamic endpoint 101 = %d %s", code, body)
	}
	if out := in.CLI(t, "pjsip show endpoint 101"); !strings.Contains(out, "from-phones") {
		t.Errorf("pjsip show endpoint 101:\n%s", out)
	}
	if code, _ := ariDo(t, in, p.ARIUser, p.ARIPassword, http.MethodDelete,
		"/asterisk/config/dynamic/res_pjsip/endpoint/101", nil); code != http.StatusNoContent {
		t.Errorf("DELETE dynamic endpoint 101 = %d", code)
	}

	if out := in.CLI(t, "dialplan show from-phones"); !strings.Contains(out, "Stasis(switchboard,phone,${EXTEN})") {
		t.Errorf("from-phones not loaded:\n%s", out)
	}
	if out := in.CLI(t, "core show hints"); !strings.Contains(out, "Stasis:park41") {
		t.Errorf("parking hints missing:\n%s", out)
	}
	if out := in.CLI(t, "http show status"); !strings.Contains(out, fmt.Sprintf("127.0.0.1:%d", p.HTTPPort)) {
		t.Errorf("HTTP server not on loopback:\n%s", out)
	}
}

// amiSend writes one action and reads the first response block.
func amiSend(t *testing.T, c net.Conn, r *bufio.Reader, lines ...string) string {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, strings.Join(lines, "\r\n")+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	for {
		var block strings.Builder
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("AMI read: %v (so far %q)", err, block.String())
			}
			if strings.TrimSpace(l) == "" {
				break
			}
			block.WriteString(l)
		}
		if strings.HasPrefix(block.String(), "Response:") {
			return block.String()
		}
	}
}

func TestRealAsteriskAMIUserLogsInButMayNotOriginate(t *testing.T) {
	in := asterisktest.Start(t, nil)
	p := in.Params
	c, err := net.Dial("tcp", in.AMIAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := r.ReadString('\n'); err != nil { // banner
		t.Fatal(err)
	}
	if resp := amiSend(t, c, r, "Action: Login", "Username: "+p.AMIUser, "Secret: "+p.AMIPassword); !strings.Contains(resp, "Success") {
		t.Fatalf("AMI login: %s", resp)
	}
	if resp := amiSend(t, c, r, "Action: Originate", "Channel: Local/s@from-phones", "Application: NoOp"); !strings.Contains(resp, "Permission denied") {
		t.Errorf("Originate allowed: %s", resp)
	}
	if resp := amiSend(t, c, r, "Action: Command", "Command: core show version"); !strings.Contains(resp, "Permission denied") {
		t.Errorf("Command allowed: %s", resp)
	}
	if resp := amiSend(t, c, r, "Action: Ping"); !strings.Contains(resp, "Success") {
		t.Errorf("Ping: %s", resp)
	}
}

func TestRealAsteriskLoadsTheDefaultBuildVariantWithoutWarnings(t *testing.T) {
	// what a default Asterisk build supports: no MWI modules, no fax
	in := asterisktest.Start(t, func(p *asteriskconf.Params) { p.Mailboxes, p.Fax = false, false })
	time.Sleep(time.Second)
	if probs := in.Problems(); len(probs) > 0 {
		t.Errorf("Asterisk logged %d warnings/errors:\n%s", len(probs), strings.Join(probs, "\n"))
	}
	p := in.Params
	if code, _ := ariDo(t, in, p.ARIUser, p.ARIPassword, http.MethodGet, "/mailboxes", nil); code == http.StatusOK {
		t.Errorf("/mailboxes answers without the MWI modules")
	}
	if out := in.CLI(t, "module show like res_fax"); strings.Contains(out, "Running") {
		t.Errorf("res_fax loaded with Fax off:\n%s", out)
	}
}
