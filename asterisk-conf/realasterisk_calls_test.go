package asteriskconf_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	asteriskconf "github.com/switchboard-pbx/switchboard/asterisk-conf"
	"github.com/switchboard-pbx/switchboard/asterisk-conf/asterisktest"
)

// selfSigned writes a certificate and key for 127.0.0.1 into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "switchboard-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "sb.crt"), filepath.Join(dir, "sb.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestRealAsteriskServesWSSAndSIPTLSWithACertificate(t *testing.T) {
	asterisktest.Binary(t)
	cert, key := selfSigned(t, t.TempDir())
	in := asterisktest.Start(t, func(p *asteriskconf.Params) {
		p.TLSCertFile, p.TLSKeyFile = cert, key
		p.WSSBindAddr, p.WSSPort, p.SIPTLSPort = "127.0.0.1", freePort(t), freePort(t)
	})
	p := in.Params
	time.Sleep(time.Second)
	if probs := in.Problems(); len(probs) > 0 {
		t.Errorf("Asterisk logged warnings/errors with TLS:\n%s", strings.Join(probs, "\n"))
	}
	insecure := &tls.Config{InsecureSkipVerify: true} // the test's own self-signed certificate
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: insecure}, Timeout: 10 * time.Second}
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("https://127.0.0.1:%d/ari/asterisk/info", p.WSSPort), nil)
	req.SetBasicAuth(p.ARIUser, p.ARIPassword)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("HTTPS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("ARI over HTTPS from loopback = %d", resp.StatusCode)
	}
	d := websocket.Dialer{TLSClientConfig: insecure, Subprotocols: []string{"sip"}, HandshakeTimeout: 10 * time.Second}
	ws, wresp, err := d.Dial(fmt.Sprintf("wss://127.0.0.1:%d/ws", p.WSSPort), nil)
	if err != nil {
		t.Fatalf("wss /ws: %v (%v)", err, wresp)
	}
	if ws.Subprotocol() != "sip" {
		t.Errorf("subprotocol %q, want sip", ws.Subprotocol())
	}
	ws.Close()
	out := in.CLI(t, "pjsip show transports")
	for _, tr := range []string{"transport-udp", "transport-tcp", "transport-tls", "transport-wss"} {
		if !strings.Contains(out, tr) {
			t.Errorf("transport %s not loaded:\n%s", tr, out)
		}
	}
}

func TestRealAsteriskCallsEnterStasisAndFallBackWhenTheAppIsAway(t *testing.T) {
	in := asterisktest.Start(t, nil)
	p := in.Params

	// app away: the fallback plays ss-noservice and hangs up; the only
	// complaint is Stasis' own "not registered"
	originate := func(q url.Values) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, in.ARIURL+"/channels?"+q.Encode(), nil)
		req.SetBasicAuth(p.ARIUser, p.ARIPassword)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("originate %v: %d", q, resp.StatusCode)
		}
	}
	originate(url.Values{"endpoint": {"Local/123@from-phones"}, "context": {"from-trunk"}, "extension": {"s"}, "priority": {"1"}})
	prompt := false
	for deadline := time.Now().Add(8 * time.Second); !prompt && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodGet, in.ARIURL+"/channels", nil)
		req.SetBasicAuth(p.ARIUser, p.ARIPassword)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var chans []struct {
			Dialplan struct {
				Context string `json:"context"`
				AppName string `json:"app_name"`
				AppData string `json:"app_data"`
			} `json:"dialplan"`
		}
		err = json.NewDecoder(resp.Body).Decode(&chans)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chans {
			if c.Dialplan.Context == "stasis-failed" && c.Dialplan.AppName == "Playback" &&
				strings.HasPrefix(c.Dialplan.AppData, "ss-noservice") {
				prompt = true
			}
		}
	}
	if !prompt {
		t.Errorf("no channel played ss-noservice in stasis-failed while the app was away")
	}
	notRegistered := 0
	for _, l := range in.Problems() {
		// 22.10.1's own complaints about a missing app
		if !strings.Contains(l, "Stasis app 'switchboard' doesn't exist") &&
			!strings.Contains(l, "outbound websocket per-call config for app 'switchboard'") {
			t.Errorf("unexpected problem during fallback: %s", l)
		}
		notRegistered++
	}
	if notRegistered == 0 {
		t.Errorf("the call never reached Stasis()")
	}

	u := url.URL{Scheme: "ws", Host: fmt.Sprintf("127.0.0.1:%d", p.HTTPPort), Path: "/ari/events",
		RawQuery: url.Values{"app": {p.App}, "api_key": {p.ARIUser + ":" + p.ARIPassword}}.Encode()}
	ws, _, err := websocket.DefaultDialer.Dial(u.String(), nil)
	if err != nil {
		t.Fatalf("ARI events: %v", err)
	}
	defer func() {
		ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		ws.Close()
	}()
	for ctx, origin := range map[string]string{asteriskconf.ContextPhones: "phone", asteriskconf.ContextBrowser: "browser", asteriskconf.ContextTrunk: "trunk"} {
		// the ;1 half enters the app directly, the ;2 half runs the dialplan
		originate(url.Values{"endpoint": {"Local/*8#@" + ctx}, "app": {p.App}, "appArgs": {"test"}})
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			var ev struct {
				Type string   `json:"type"`
				Args []string `json:"args"`
			}
			if err := ws.ReadJSON(&ev); err != nil {
				t.Fatalf("%s: no StasisStart from the dialplan: %v", ctx, err)
			}
			if ev.Type != "StasisStart" || slices.Equal(ev.Args, []string{"test"}) {
				continue
			}
			if !slices.Equal(ev.Args, []string{origin, "*8#"}) {
				t.Errorf("%s: StasisStart args %v, want [%s *8#]", ctx, ev.Args, origin)
			}
			break
		}
	}
}

// nonLoopbackIPv4 returns an address of this host that is not loopback.
func nonLoopbackIPv4(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address to test from")
	return ""
}

func TestRealAsteriskRefusesARIFromAnotherAddressOnTheTLSListener(t *testing.T) {
	asterisktest.Binary(t)
	ip := nonLoopbackIPv4(t)
	cert, key := selfSigned(t, t.TempDir())
	in := asterisktest.Start(t, func(p *asteriskconf.Params) {
		p.TLSCertFile, p.TLSKeyFile = cert, key
		p.WSSBindAddr, p.WSSPort, p.SIPTLSPort = ip, freePort(t), freePort(t)
	})
	p := in.Params
	insecure := &tls.Config{InsecureSkipVerify: true} // the test's own self-signed certificate
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: insecure}, Timeout: 10 * time.Second}
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("https://%s:%d/ari/asterisk/info", ip, p.WSSPort), nil)
	req.SetBasicAuth(p.ARIUser, p.ARIPassword)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("HTTPS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("ARI answered a request from %s with the right credentials", ip)
	}
	d := websocket.Dialer{TLSClientConfig: insecure, Subprotocols: []string{"sip"}, HandshakeTimeout: 10 * time.Second}
	ws, _, err := d.Dial(fmt.Sprintf("wss://%s:%d/ws", ip, p.WSSPort), nil)
	if err != nil {
		t.Fatalf("browsers' /ws refused from %s: %v", ip, err)
	}
	ws.Close()
	t.Logf("ARI from %s: %d; /ws: open", ip, resp.StatusCode)
}
