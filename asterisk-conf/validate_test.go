package asteriskconf

import (
	"errors"
	"testing"
)

func TestValidateRefusesEmptyShortAndSampleSecrets(t *testing.T) {
	for _, pw := range []string{"", "secret", "password", "Switchboard", "changeme", "short-1"} {
		p := testParams(t)
		p.ARIPassword = pw
		if err := p.Validate(); !errors.Is(err, ErrWeakSecret) {
			t.Errorf("ARIPassword %q: %v, want ErrWeakSecret", pw, err)
		}
		p = testParams(t)
		p.AMIPassword = pw
		if err := p.Validate(); !errors.Is(err, ErrWeakSecret) {
			t.Errorf("AMIPassword %q: %v, want ErrWeakSecret", pw, err)
		}
	}
	if err := Defaults().Validate(); !errors.Is(err, ErrWeakSecret) {
		t.Errorf("Defaults() validates without secrets: %v", err)
	}
	p := testParams(t)
	p.AMIPassword = p.ARIPassword
	if err := p.Validate(); !errors.Is(err, ErrWeakSecret) {
		t.Errorf("same ARI and AMI password accepted")
	}
}

func TestValidateRefusesValuesThatWouldBreakOrWidenTheFiles(t *testing.T) {
	cases := map[string]func(*Params){
		"ARI on all interfaces":     func(p *Params) { p.HTTPBindAddr = "0.0.0.0" },
		"AMI on the LAN":            func(p *Params) { p.AMIBindAddr = "192.168.1.2" },
		"newline in a password":     func(p *Params) { p.ARIPassword = "abcdefghijkl\n[evil]" },
		"semicolon in a password":   func(p *Params) { p.AMIPassword = "abcdefghijkl;x" },
		"newline in a user":         func(p *Params) { p.ARIUser = "sb\nx" },
		"user named general":        func(p *Params) { p.ARIUser = "general" },
		"relative directory":        func(p *Params) { p.Dirs.Spool = "spool" },
		"newline in a directory":    func(p *Params) { p.Dirs.Log = "/tmp/x\nastetcdir => /" },
		"port clash":                func(p *Params) { p.AMIPort = p.HTTPPort },
		"SIP inside RTP":            func(p *Params) { p.SIPUDPPort = p.RTPStart + 2 },
		"RTP range reversed":        func(p *Params) { p.RTPStart, p.RTPEnd = 20000, 10000 },
		"UDPTL overlaps RTP":        func(p *Params) { p.UDPTLStart, p.UDPTLEnd = 15000, 15100 },
		"cert without key":          func(p *Params) { p.TLSCertFile = "/etc/ssl/a.crt" },
		"SIP TLS without cert":      func(p *Params) { p.SIPTLSPort = 5061 },
		"short write timeout":       func(p *Params) { p.WebSocketWriteTimeout = 100_000_000 },
		"tiny session limit":        func(p *Params) { p.HTTPSessionLimit = 2 },
		"unknown country":           func(p *Params) { p.Country = "xx" },
		"bad local net":             func(p *Params) { p.LocalNets = []string{"192.168.1.0"} },
		"trunk named like an ext":   func(p *Params) { p.Trunks = []Trunk{{Name: "101-web", Host: "h"}} },
		"trunk named anonymous":     func(p *Params) { p.Trunks = []Trunk{{Name: "anonymous", Host: "h"}} },
		"trunk with sample secret":  func(p *Params) { p.Trunks = []Trunk{{Name: "t", Host: "h", Username: "u", Password: "secret"}} },
		"parking slot not a number": func(p *Params) { p.ParkingSlots = []string{"4a"} },
	}
	for name, mutate := range cases {
		p := testParams(t)
		mutate(&p)
		err := p.Validate()
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrWeakSecret) {
			t.Errorf("%s: %v wraps no sentinel", name, err)
		}
	}
	if err := testParams(t).Validate(); err != nil {
		t.Fatalf("test params invalid: %v", err)
	}
}
