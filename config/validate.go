package config

import (
	"crypto/tls"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/go-sql-driver/mysql"

	// The zone database is embedded so time_zone works on hosts without tzdata.
	_ "time/tzdata"
)

var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// Validate checks every setting and returns the first problem found as a
// *SettingError naming it. It reads the TLS files when they are configured.
func (c Config) Validate() error {
	checks := []func() error{
		c.validateGeneral,
		c.validateHTTP,
		c.validateDatabase,
		c.validateAsteriskLinks,
		c.validateAsterisk,
		c.Numbering.validate,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) validateGeneral() error {
	if c.DataDir == "" {
		return invalid("data_dir", "must not be empty")
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		return invalid("time_zone", "%q is not an IANA time zone (e.g. Europe/Berlin)", c.TimeZone)
	}
	if !slices.Contains([]string{EngineAsterisk, EngineSim}, c.Engine) {
		return invalid("engine", "%q is not asterisk or sim", c.Engine)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		return invalid("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		return invalid("log.format", "%q is not text or json", c.Log.Format)
	}
	return nil
}

func (c Config) validateHTTP() error {
	h := c.HTTP
	if h.Listen != "" && net.ParseIP(h.Listen) == nil && !hostnameRE.MatchString(h.Listen) {
		return invalid("http.listen", "%q is not an IP address or host name", h.Listen)
	}
	if h.Port != 0 { // 0 picks a free port (tests, side-by-side instances)
		if err := checkPort("http.port", h.Port); err != nil {
			return err
		}
	}
	if (h.TLSCert == "") != (h.TLSKey == "") {
		return invalid("http.tls_cert", "set http.tls_cert and http.tls_key together, or neither to use a generated certificate")
	}
	if h.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(h.TLSCert, h.TLSKey); err != nil {
			return invalid("http.tls_cert", "cannot load certificate %s with key %s: %v", h.TLSCert, h.TLSKey, err)
		}
	}
	if h.ShutdownTimeout <= 0 {
		return invalid("http.shutdown_timeout", "%s must be positive", h.ShutdownTimeout)
	}
	return nil
}

func (c Config) validateDatabase() error {
	switch c.Database.Driver {
	case DriverSQLite:
		if c.Database.DSN == "" {
			return invalid("database.dsn", "must name the SQLite file")
		}
	case DriverMySQL:
		dsn, err := mysql.ParseDSN(c.Database.DSN)
		if err != nil {
			return invalid("database.dsn", "not a MySQL DSN (user:pass@tcp(host:3306)/dbname?parseTime=true): %v", err)
		}
		if dsn.DBName == "" {
			return invalid("database.dsn", "the MySQL DSN names no database (…/dbname)")
		}
	default:
		return invalid("database.driver", "%q is not sqlite or mysql", c.Database.Driver)
	}
	return nil
}

func (c Config) validateAsteriskLinks() error {
	u, err := url.Parse(c.ARI.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("ari.url", "%q is not an http(s) URL like %s", c.ARI.URL, DefaultARIURL)
	}
	if c.ARI.Username == "" {
		return invalid("ari.username", "must not be empty")
	}
	host, port, err := net.SplitHostPort(c.AMI.Address)
	if err != nil || host == "" {
		return invalid("ami.address", "%q is not host:port like %s", c.AMI.Address, DefaultAMIAddress)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return invalid("ami.address", "%q has no valid port (1-65535)", c.AMI.Address)
	}
	if c.AMI.Username == "" {
		return invalid("ami.username", "must not be empty")
	}
	return nil
}

func (c Config) validateAsterisk() error {
	a := c.Asterisk
	for _, p := range []struct {
		key  string
		port int
	}{
		{"asterisk.sip_udp_port", a.SIPUDPPort}, {"asterisk.sip_tcp_port", a.SIPTCPPort},
		{"asterisk.sip_tls_port", a.SIPTLSPort}, {"asterisk.rtp_start", a.RTPStart},
		{"asterisk.rtp_end", a.RTPEnd},
	} {
		if err := checkPort(p.key, p.port); err != nil {
			return err
		}
	}
	if a.SIPTLSPort == a.SIPTCPPort {
		return invalid("asterisk.sip_tls_port", "%d is also asterisk.sip_tcp_port", a.SIPTLSPort)
	}
	if a.RTPEnd <= a.RTPStart {
		return invalid("asterisk.rtp_end", "%d must be above asterisk.rtp_start %d", a.RTPEnd, a.RTPStart)
	}
	if a.SIPUDPPort >= a.RTPStart && a.SIPUDPPort <= a.RTPEnd {
		return invalid("asterisk.sip_udp_port", "%d lies inside the RTP range %d-%d", a.SIPUDPPort, a.RTPStart, a.RTPEnd)
	}
	if e := a.ExternalAddress; e != "" && net.ParseIP(e) == nil && !hostnameRE.MatchString(e) {
		return invalid("asterisk.external_address", "%q is not an IP address or host name", e)
	}
	for _, n := range a.LocalNets {
		if _, _, err := net.ParseCIDR(n); err != nil {
			return invalid("asterisk.local_nets", "%q is not a network like 192.168.1.0/24", n)
		}
	}
	if net.ParseIP(a.SIPBindAddress) == nil {
		return invalid("asterisk.sip_bind_address", "%q is not an IP address", a.SIPBindAddress)
	}
	if a.ConfigDir == "" {
		return invalid("asterisk.config_dir", "must not be empty")
	}
	if a.SpoolDir == "" {
		return invalid("asterisk.spool_dir", "must not be empty")
	}
	return nil
}

func checkPort(key string, p int) error {
	if p < 1 || p > 65535 {
		return invalid(key, "%d is not a port (1-65535)", p)
	}
	return nil
}
