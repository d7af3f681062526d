package asteriskconf

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Sentinel errors; Validate's error wraps one of them for every problem found.
var (
	// ErrInvalid marks a parameter that cannot be written into the files.
	ErrInvalid = errors.New("asteriskconf: invalid parameter")
	// ErrWeakSecret marks a password that is empty, short or a known sample.
	ErrWeakSecret = errors.New("asteriskconf: weak or default secret")
)

// MinSecretLen is the shortest password Validate accepts.
const MinSecretLen = 12

// sampleSecrets are values that appear in samples and tutorials; a password
// equal to one of them (case-insensitively) is refused.
var sampleSecrets = map[string]bool{
	"password": true, "secret": true, "mysecret": true, "changeme": true,
	"change-me": true, "asterisk": true, "admin": true, "switchboard": true,
	"passw0rd": true, "12345678": true, "123456789012": true, "letmein": true,
	"changemechangeme": true, "switchboard-secret": true, "examplepassword": true,
}

var (
	nameRe   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	digitsRe = regexp.MustCompile(`^[0-9]{1,10}$`)
	// extensionLikeRe are ids the provisioner uses for extensions.
	extensionLikeRe = regexp.MustCompile(`^[0-9]+(-web)?$`)
	hostRe          = regexp.MustCompile(`^[A-Za-z0-9.:\[\]-]{1,253}$`)
	// secretRe keeps passwords free of characters that Asterisk's config
	// parser or its value lists treat specially (; comment, whitespace, quotes,
	// backslash, brackets, comma lists).
	secretRe = regexp.MustCompile(`^[A-Za-z0-9!#$%&()*+\-./:<=>?@^_{|}~]+$`)
)

// Validate reports every problem with p, each wrapping ErrInvalid or
// ErrWeakSecret, joined; nil when the files can be rendered.
func (p Params) Validate() error {
	v := &validator{}
	v.name("App", p.App)
	v.name("ARIUser", p.ARIUser)
	v.name("AMIUser", p.AMIUser)
	if strings.EqualFold(p.ARIUser, "general") || strings.EqualFold(p.AMIUser, "general") {
		v.bad("ARIUser/AMIUser", "%q is a reserved section name", "general")
	}
	v.secret("ARIPassword", p.ARIPassword)
	v.secret("AMIPassword", p.AMIPassword)
	if p.ARIPassword != "" && p.ARIPassword == p.AMIPassword {
		v.weak("AMIPassword", "must differ from ARIPassword")
	}

	v.loopback("HTTPBindAddr", p.HTTPBindAddr)
	v.loopback("AMIBindAddr", p.AMIBindAddr)
	v.addr("SIPBindAddr", p.SIPBindAddr)
	v.port("HTTPPort", p.HTTPPort, false)
	v.port("AMIPort", p.AMIPort, false)
	v.port("SIPUDPPort", p.SIPUDPPort, false)
	v.port("SIPTCPPort", p.SIPTCPPort, true)
	v.port("SIPTLSPort", p.SIPTLSPort, true)
	if p.HTTPSessionLimit < 8 {
		v.bad("HTTPSessionLimit", "%d is below 8; size it with SessionLimitFor", p.HTTPSessionLimit)
	}
	if p.WebSocketWriteTimeout < 500*time.Millisecond || p.WebSocketWriteTimeout > time.Minute {
		v.bad("WebSocketWriteTimeout", "%s is outside 500ms..1m", p.WebSocketWriteTimeout)
	}
	v.tls(p)
	v.tcpPortsDistinct(p)
	v.udpRanges(p)

	if p.ExternalAddress != "" && !hostRe.MatchString(p.ExternalAddress) {
		v.bad("ExternalAddress", "%q is not a host name or address", p.ExternalAddress)
	}
	for _, n := range p.LocalNets {
		if _, err := netip.ParsePrefix(n); err != nil {
			v.bad("LocalNets", "%q is not a CIDR network", n)
		}
	}
	if p.STUNServer != "" && !hostRe.MatchString(p.STUNServer) {
		v.bad("STUNServer", "%q is not host:port", p.STUNServer)
	}
	v.dirs(p.Dirs)
	v.text("MOHDirectory", p.MOHDirectory, true)
	if _, ok := countryTones[p.Country]; !ok {
		v.bad("Country", "%q has no tone set (have %s)", p.Country, strings.Join(countries(), ", "))
	}
	seen := map[string]bool{}
	for _, s := range p.ParkingSlots {
		if !digitsRe.MatchString(s) || seen[s] {
			v.bad("ParkingSlots", "%q is not a distinct number", s)
		}
		seen[s] = true
	}
	v.text("UserAgent", p.UserAgent, true)
	v.trunks(p.Trunks)
	return errors.Join(v.errs...)
}

type validator struct{ errs []error }

func (v *validator) bad(field, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...)))
}

func (v *validator) weak(field, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%w: %s: %s", ErrWeakSecret, field, fmt.Sprintf(format, args...)))
}

func (v *validator) name(field, s string) {
	if !nameRe.MatchString(s) {
		v.bad(field, "%q must be 1-64 letters, digits, '_', '.' or '-'", s)
	}
}

// text refuses what would break a config line: control characters and ';'.
func (v *validator) text(field, s string, required bool) {
	if required && s == "" {
		v.bad(field, "is empty")
		return
	}
	if strings.ContainsAny(s, ";\\") || strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		v.bad(field, "%q contains ';', '\\' or a control character", s)
	}
}

func (v *validator) secret(field, s string) {
	switch {
	case s == "":
		v.weak(field, "is empty")
	case sampleSecrets[strings.ToLower(s)]:
		v.weak(field, "is a well-known sample value")
	case len(s) < MinSecretLen:
		v.weak(field, "is shorter than %d characters", MinSecretLen)
	case !secretRe.MatchString(s):
		v.bad(field, "may only hold letters, digits and !#$%%&()*+-./:<=>?@^_{|}~")
	}
}

func (v *validator) addr(field, s string) {
	if _, err := netip.ParseAddr(s); err != nil {
		v.bad(field, "%q is not an IP address", s)
	}
}

func (v *validator) loopback(field, s string) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.IsLoopback() {
		v.bad(field, "%q must be a loopback address (ARI and AMI stay on this host)", s)
	}
}

func (v *validator) port(field string, n int, zeroOK bool) {
	if zeroOK && n == 0 {
		return
	}
	if n < 1 || n > 65535 {
		v.bad(field, "%d is not a port", n)
	}
}

func (v *validator) tls(p Params) {
	if (p.TLSCertFile == "") != (p.TLSKeyFile == "") {
		v.bad("TLSCertFile/TLSKeyFile", "give both or neither")
	}
	for f, s := range map[string]string{"TLSCertFile": p.TLSCertFile, "TLSKeyFile": p.TLSKeyFile} {
		if s != "" && !filepath.IsAbs(s) {
			v.bad(f, "%q is not an absolute path", s)
		}
		v.text(f, s, false)
	}
	if p.TLS() {
		v.addr("WSSBindAddr", p.WSSBindAddr)
		v.port("WSSPort", p.WSSPort, false)
	} else if p.SIPTLSPort != 0 {
		v.bad("SIPTLSPort", "SIP over TLS needs TLSCertFile and TLSKeyFile (set the port to 0 without them)")
	}
}

func (v *validator) tcpPortsDistinct(p Params) {
	used := map[int]string{}
	check := func(field string, port int) {
		if port == 0 {
			return
		}
		if other, ok := used[port]; ok {
			v.bad(field, "TCP port %d is also %s", port, other)
		}
		used[port] = field
	}
	check("HTTPPort", p.HTTPPort)
	check("AMIPort", p.AMIPort)
	check("SIPTCPPort", p.SIPTCPPort)
	check("SIPTLSPort", p.SIPTLSPort)
	if p.TLS() {
		check("WSSPort", p.WSSPort)
	}
}

func (v *validator) udpRanges(p Params) {
	rng := func(field string, lo, hi int) bool {
		if lo < 1024 || hi > 65535 || lo >= hi {
			v.bad(field, "%d-%d is not a range within 1024-65535", lo, hi)
			return false
		}
		return true
	}
	okRTP := rng("RTPStart/RTPEnd", p.RTPStart, p.RTPEnd)
	okUDPTL := rng("UDPTLStart/UDPTLEnd", p.UDPTLStart, p.UDPTLEnd)
	if okRTP && okUDPTL && p.RTPStart <= p.UDPTLEnd && p.UDPTLStart <= p.RTPEnd {
		v.bad("UDPTLStart/UDPTLEnd", "overlaps the RTP range")
	}
	if okRTP && p.SIPUDPPort >= p.RTPStart && p.SIPUDPPort <= p.RTPEnd {
		v.bad("SIPUDPPort", "%d is inside the RTP range", p.SIPUDPPort)
	}
	if okUDPTL && p.SIPUDPPort >= p.UDPTLStart && p.SIPUDPPort <= p.UDPTLEnd {
		v.bad("SIPUDPPort", "%d is inside the UDPTL range", p.SIPUDPPort)
	}
}

func (v *validator) dirs(d Dirs) {
	for _, f := range []struct {
		name, path string
		optional   bool
	}{
		{"Dirs.Etc", d.Etc, false}, {"Dirs.Mod", d.Mod, true}, {"Dirs.VarLib", d.VarLib, false},
		{"Dirs.DB", d.DB, false}, {"Dirs.Key", d.Key, false}, {"Dirs.Data", d.Data, false},
		{"Dirs.AGI", d.AGI, false}, {"Dirs.Spool", d.Spool, false}, {"Dirs.Run", d.Run, false},
		{"Dirs.Log", d.Log, false}, {"Dirs.Cache", d.Cache, true},
	} {
		if f.path == "" && f.optional {
			continue
		}
		if !filepath.IsAbs(f.path) {
			v.bad(f.name, "%q is not an absolute path", f.path)
		}
		v.text(f.name, f.path, true)
	}
}

func (v *validator) trunks(ts []Trunk) {
	seen := map[string]bool{}
	for i, t := range ts {
		field := fmt.Sprintf("Trunks[%d]", i)
		v.name(field+".Name", t.Name)
		if extensionLikeRe.MatchString(t.Name) || strings.EqualFold(t.Name, "anonymous") {
			v.bad(field+".Name", "%q is reserved (extension endpoints, anonymous)", t.Name)
		}
		if seen[t.Name] {
			v.bad(field+".Name", "%q is used twice", t.Name)
		}
		seen[t.Name] = true
		if !hostRe.MatchString(t.Host) {
			v.bad(field+".Host", "%q is not a host name or address", t.Host)
		}
		v.port(field+".Port", t.Port, true)
		if t.Username != "" || t.Password != "" || t.Register {
			v.text(field+".Username", t.Username, true)
			v.secret(field+".Password", t.Password)
		}
		v.text(field+".FromUser", t.FromUser, false)
		v.text(field+".FromDomain", t.FromDomain, false)
		for _, m := range t.Match {
			if _, err := netip.ParsePrefix(m); err == nil {
				continue
			}
			if net.ParseIP(m) == nil && !hostRe.MatchString(m) {
				v.bad(field+".Match", "%q is not an address, network or host", m)
			}
		}
	}
}
