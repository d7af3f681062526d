package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInvalidSettingsStopWithOneMessageNamingTheSetting(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown key", "http:\n  prot: 1\n", "config: http.prot: unknown setting ("},
		{"unknown section", "htp:\n  port: 1\n", "config: htp: unknown setting ("},
		{"wrongly typed value", "http:\n  port: many\n", `config: http.port: "many" does not fit (want a whole number)`},
		{"port too big", "http:\n  port: 70000\n", "config: http.port: 70000 is not a port (1-65535)"},
		{"port zero", "asterisk:\n  sip_tls_port: 0\n", "config: asterisk.sip_tls_port: 0 is not a port (1-65535)"},
		{"bad mysql dsn", "database:\n  driver: mysql\n  dsn: \"not a dsn\"\n", "config: database.dsn: not a MySQL DSN"},
		{"mysql dsn without database", "database:\n  driver: mysql\n  dsn: \"u:p@tcp(127.0.0.1:3306)/\"\n", "config: database.dsn: the MySQL DSN names no database"},
		{"unknown driver", "database:\n  driver: postgres\n", `config: database.driver: "postgres" is not sqlite or mysql`},
		{"unreadable certificate", "http:\n  tls_cert: " + garbage + "\n  tls_key: " + garbage + "\n", "config: http.tls_cert: cannot load certificate"},
		{"missing certificate", "http:\n  tls_cert: /nonexistent/c.pem\n  tls_key: /nonexistent/k.pem\n", "config: http.tls_cert: cannot load certificate"},
		{"certificate without key", "http:\n  tls_cert: /x.pem\n", "config: http.tls_cert: set http.tls_cert and http.tls_key together"},
		{"bad time zone", "time_zone: Mars/Olympus\n", `config: time_zone: "Mars/Olympus" is not an IANA time zone`},
		{"bad engine", "engine: freeswitch\n", `config: engine: "freeswitch" is not asterisk or sim`},
		{"bad log level", "log:\n  level: loud\n", `config: log.level: "loud" is not debug, info, warn or error`},
		{"bad ari url", "ari:\n  url: 127.0.0.1:8088\n", `config: ari.url: "127.0.0.1:8088" is not an http(s) URL`},
		{"bad ami address", "ami:\n  address: localhost\n", `config: ami.address: "localhost" is not host:port`},
		{"rtp range upside down", "asterisk:\n  rtp_start: 20000\n  rtp_end: 10000\n", "config: asterisk.rtp_end: 10000 must be above asterisk.rtp_start 20000"},
		{"sip inside rtp", "asterisk:\n  sip_udp_port: 10002\n", "config: asterisk.sip_udp_port: 10002 lies inside the RTP range"},
		{"bad local net", "asterisk:\n  local_nets: [10.0.0.0/8, 192.168.1.0]\n", `config: asterisk.local_nets: "192.168.1.0" is not a network`},
		{"bad sip bind address", "asterisk:\n  sip_bind_address: lan\n", `config: asterisk.sip_bind_address: "lan" is not an IP address`},
		{"parking inside extensions", "numbering:\n  parking: 100-110\n", "config: numbering.parking: 100-110 overlaps numbering.extensions 100-899"},
		{"conference inside extensions", "numbering:\n  conference: 800-820\n", "config: numbering.conference: 800-820 overlaps numbering.extensions 100-899"},
		{"parking overlaps conference", "numbering:\n  parking: 85-92\n", "config: numbering.parking: 85-92 overlaps numbering.conference 90-99"},
		{"one digit parking", "numbering:\n  parking: 1-9\n", "config: numbering.parking: 1-9 must use exactly 2 digits"},
		{"emergency inside parking", "numbering:\n  emergency_numbers: [\"112\", \"45\"]\n", "config: numbering.emergency_numbers: 45 lies inside the parking range 41-49"},
		{"emergency not a number", "numbering:\n  emergency_numbers: [\"11a\"]\n", `config: numbering.emergency_numbers: "11a" is not a number`},
		{"extensions read as outbound calls", "numbering:\n  extensions: 1000-9999\n", `config: numbering.extensions: 1000-9999 contains numbers starting with the outbound prefix "9"`},
		{"malformed range", "numbering:\n  extensions: 100..899\n", "config: numbering.extensions:"},
		{"bad country code", "numbering:\n  country_code: \"+49\"\n", `config: numbering.country_code: "+49" is not a country calling code`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(Sources{File: writeFile(t, c.yaml)})
			if err == nil {
				t.Fatalf("loaded without error, want %q", c.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("message\n got %q\nwant prefix %q", err.Error(), c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("message spans several lines: %q", err.Error())
			}
		})
	}
}

func TestBadEnvironmentValueNamesTheVariable(t *testing.T) {
	_, err := Load(Sources{Environ: []string{"SWITCHBOARD_HTTP_PORT=eighty"}})
	want := `config: http.port: SWITCHBOARD_HTTP_PORT="eighty": "eighty" is not a whole number`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	_, err = Load(Sources{Environ: []string{"SWITCHBOARD_HTTP_PORT=70000"}})
	if err == nil || err.Error() != "config: http.port: 70000 is not a port (1-65535)" {
		t.Fatalf("err = %v", err)
	}
}

func TestEmergencyNumbersInsideTheExtensionRangeAreNeverExtensions(t *testing.T) {
	n := Default().Numbering
	for s, want := range map[string]bool{"101": true, "899": true, "112": false, "911": false, "0101": false, "900": false, "41": false} {
		if got := n.IsExtension(s); got != want {
			t.Errorf("IsExtension(%q) = %v, want %v", s, got, want)
		}
	}
}
