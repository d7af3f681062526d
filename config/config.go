// Package config holds Switchboard's configuration: one struct with named
// defaults that run out of the box, loaded from one YAML file, then from
// SWITCHBOARD_<SECTION>_<KEY> environment variables, then from command-line
// flags, validated as a whole, and completed on first start with generated
// secrets and a self-signed certificate kept under the data folder.
package config

import "time"

// AppName is the Stasis application every Asterisk call enters
// (Stasis(switchboard,<origin>,${EXTEN})). It is fixed, not configurable.
const AppName = "switchboard"

// Engine names: which voice back end `serve` drives.
const (
	// EngineAsterisk drives a real Asterisk over ARI and AMI.
	EngineAsterisk = "asterisk"
	// EngineSim drives the built-in ARI simulator (integration/sim).
	EngineSim = "sim"
)

// Database drivers.
const (
	// DriverSQLite stores everything in one SQLite file (pure Go, no cgo).
	DriverSQLite = "sqlite"
	// DriverMySQL stores everything in MySQL or MariaDB.
	DriverMySQL = "mysql"
)

// Named defaults. Every value runs out of the box on a developer machine.
const (
	DefaultDataDir         = "./data"
	DefaultTimeZone        = "UTC"
	DefaultLogLevel        = "info"
	DefaultLogFormat       = "text"
	DefaultHTTPListen      = "0.0.0.0"
	DefaultHTTPPort        = 8443
	DefaultShutdownTimeout = 15 * time.Second
	DefaultSQLiteFile      = "switchboard.db"
	DefaultARIURL          = "http://127.0.0.1:8088/ari"
	DefaultARIUsername     = "switchboard"
	DefaultAMIAddress      = "127.0.0.1:5038"
	DefaultAMIUsername     = "switchboard"
	DefaultSIPUDPPort      = 5060
	DefaultSIPTCPPort      = 5060
	DefaultSIPTLSPort      = 5061
	DefaultRTPStart        = 10000
	DefaultRTPEnd          = 20000
	DefaultAsteriskConfDir = "/etc/asterisk"
	DefaultAsteriskSpool   = "/var/spool/asterisk"
	DefaultSIPBindAddress  = "0.0.0.0"
	DefaultOutboundPrefix  = "9"
	DefaultNationalPrefix  = "0"
	DefaultIntlPrefix      = "00"
)

// Default number plan ranges (FEATURES.md, "Numbering plan").
var (
	DefaultExtensions       = Range{From: 100, To: 899}
	DefaultParking          = Range{From: 41, To: 49}
	DefaultConference       = Range{From: 90, To: 99}
	DefaultEmergencyNumbers = []string{"112", "911"}
)

// Config is the whole configuration of one Switchboard process.
type Config struct {
	// DataDir holds the SQLite database, generated secrets and the generated
	// TLS certificate. Created with mode 0700 when missing.
	DataDir string `yaml:"data_dir"`
	// TimeZone is the IANA zone used for wake-up calls, call-log ranges and
	// anything users read as local time (e.g. "Europe/Berlin").
	TimeZone string `yaml:"time_zone"`
	// Engine selects the voice back end: "asterisk" (real Asterisk over
	// ARI/AMI) or "sim" (the built-in simulator, for demos and tests).
	Engine string `yaml:"engine"`
	// Log configures the process log.
	Log Log `yaml:"log"`
	// HTTP configures the portal and REST API listener.
	HTTP HTTP `yaml:"http"`
	// Database selects and locates the store.
	Database Database `yaml:"database"`
	// ARI is how Switchboard reaches Asterisk's REST interface.
	ARI ARI `yaml:"ari"`
	// AMI is how Switchboard reaches Asterisk's manager interface.
	AMI AMI `yaml:"ami"`
	// Asterisk holds what the rendered Asterisk configuration needs.
	Asterisk Asterisk `yaml:"asterisk"`
	// Numbering is the one number plan, checked for overlaps.
	Numbering Numbering `yaml:"numbering"`
}

// Log configures log/slog output.
type Log struct {
	// Level is the lowest level written: debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is "text" (human-readable key=value) or "json".
	Format string `yaml:"format"`
}

// HTTP configures the HTTPS listener of the portal and REST API.
type HTTP struct {
	// Listen is the address to bind; "0.0.0.0" means every IPv4 interface,
	// "" or "::" every interface.
	Listen string `yaml:"listen"`
	// Port is the HTTPS port; 0 picks a free one (logged at start).
	Port int `yaml:"port"`
	// TLSCert is a PEM certificate file. Empty: a self-signed certificate is
	// generated under DataDir on first start and reused afterwards.
	TLSCert string `yaml:"tls_cert"`
	// TLSKey is the PEM private key matching TLSCert; set both or neither.
	TLSKey string `yaml:"tls_key"`
	// SessionKey signs portal sessions. Empty: generated on first start and
	// kept in DataDir/secrets/session_key.
	SessionKey string `yaml:"session_key"`
	// SelfSigned is set by Prepare when TLSCert is the generated certificate
	// (browsers must be able to accept it, so no HSTS). Not configurable.
	SelfSigned bool `yaml:"-"`
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// on SIGTERM before connections are closed.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
}

// Database selects the store's SQL back end.
type Database struct {
	// Driver is "sqlite" or "mysql".
	Driver string `yaml:"driver"`
	// DSN locates the database. For sqlite a file path (empty: DataDir/
	// switchboard.db); for mysql a go-sql-driver DSN such as
	// "user:pass@tcp(127.0.0.1:3306)/switchboard?parseTime=true".
	DSN string `yaml:"dsn"`
}

// ARI is the Asterisk REST Interface connection. The Stasis application is
// always AppName.
type ARI struct {
	// URL is the ARI base URL, including the /ari path.
	URL string `yaml:"url"`
	// Username is the ari.conf user Switchboard logs in as.
	Username string `yaml:"username"`
	// Password is that user's password. Empty: generated on first start and
	// kept in DataDir/secrets/ari_password (and rendered into ari.conf).
	Password string `yaml:"password"`
}

// AMI is the Asterisk Manager Interface connection.
type AMI struct {
	// Address is host:port of the manager interface.
	Address string `yaml:"address"`
	// Username is the manager.conf user Switchboard logs in as.
	Username string `yaml:"username"`
	// Password is that user's secret. Empty: generated on first start and
	// kept in DataDir/secrets/ami_password (and rendered into manager.conf).
	Password string `yaml:"password"`
}

// Asterisk holds the network and path settings rendered into Asterisk's
// configuration by `switchboard asterisk-conf render`.
type Asterisk struct {
	// SIPUDPPort is the PJSIP UDP transport port.
	SIPUDPPort int `yaml:"sip_udp_port"`
	// SIPTCPPort is the PJSIP TCP transport port.
	SIPTCPPort int `yaml:"sip_tcp_port"`
	// SIPTLSPort is the PJSIP TLS transport port.
	SIPTLSPort int `yaml:"sip_tls_port"`
	// RTPStart is the first UDP port of the RTP range.
	RTPStart int `yaml:"rtp_start"`
	// RTPEnd is the last UDP port of the RTP range.
	RTPEnd int `yaml:"rtp_end"`
	// ExternalAddress is the public (WAN) IP or host name announced in SIP
	// and SDP behind NAT; empty when Asterisk is not behind NAT.
	ExternalAddress string `yaml:"external_address"`
	// LocalNets are the LANs in CIDR form (e.g. "192.168.1.0/24") reached
	// without NAT, so not rewritten to ExternalAddress.
	LocalNets []string `yaml:"local_nets"`
	// SIPBindAddress is the LAN address the SIP transports bind to;
	// "0.0.0.0" binds every interface.
	SIPBindAddress string `yaml:"sip_bind_address"`
	// ConfigDir is where Asterisk reads its configuration, used in the
	// rendered files and as the default render target.
	ConfigDir string `yaml:"config_dir"`
	// SpoolDir is Asterisk's spool (recordings, voicemail, faxes).
	SpoolDir string `yaml:"spool_dir"`
}

// Numbering is the number plan (FEATURES.md): extensions, parking slots,
// conference rooms, the outbound prefix and emergency numbers.
type Numbering struct {
	// Extensions is the range of extension numbers (3 or 4 digits).
	// Emergency numbers inside it are never extensions.
	Extensions Range `yaml:"extensions"`
	// Parking is the range of parking slots (exactly two digits).
	Parking Range `yaml:"parking"`
	// Conference is the range of conference rooms (exactly two digits).
	Conference Range `yaml:"conference"`
	// OutboundPrefix is dialled before an external number of 3 or more
	// digits to go out through a trunk.
	OutboundPrefix string `yaml:"outbound_prefix"`
	// EmergencyNumbers go out as dialled, with or without the prefix, from
	// every extension.
	EmergencyNumbers []string `yaml:"emergency_numbers"`
	// CountryCode (digits, no "+") makes external numbers canonical E.164;
	// empty keeps them as dialled.
	CountryCode string `yaml:"country_code"`
	// NationalPrefix is the national trunk prefix ("0"; "1" in NANP; may
	// be empty), stripped when a number is made E.164.
	NationalPrefix string `yaml:"national_prefix"`
	// InternationalPrefix is dialled before a country code ("00"; "011" in
	// NANP).
	InternationalPrefix string `yaml:"international_prefix"`
	// AreaCode, when set, completes numbers dialled without the national
	// prefix (local numbers); empty takes them as complete national numbers.
	AreaCode string `yaml:"area_code"`
}

// Default returns the configuration used when nothing is configured.
func Default() Config {
	return Config{
		DataDir:  DefaultDataDir,
		TimeZone: DefaultTimeZone,
		Engine:   EngineAsterisk,
		Log:      Log{Level: DefaultLogLevel, Format: DefaultLogFormat},
		HTTP: HTTP{
			Listen:          DefaultHTTPListen,
			Port:            DefaultHTTPPort,
			ShutdownTimeout: DefaultShutdownTimeout,
		},
		Database: Database{Driver: DriverSQLite},
		ARI:      ARI{URL: DefaultARIURL, Username: DefaultARIUsername},
		AMI:      AMI{Address: DefaultAMIAddress, Username: DefaultAMIUsername},
		Asterisk: Asterisk{
			SIPUDPPort:     DefaultSIPUDPPort,
			SIPTCPPort:     DefaultSIPTCPPort,
			SIPTLSPort:     DefaultSIPTLSPort,
			RTPStart:       DefaultRTPStart,
			RTPEnd:         DefaultRTPEnd,
			ConfigDir:      DefaultAsteriskConfDir,
			SpoolDir:       DefaultAsteriskSpool,
			SIPBindAddress: DefaultSIPBindAddress,
			LocalNets:      []string{},
		},
		Numbering: Numbering{
			Extensions:          DefaultExtensions,
			Parking:             DefaultParking,
			Conference:          DefaultConference,
			OutboundPrefix:      DefaultOutboundPrefix,
			EmergencyNumbers:    append([]string(nil), DefaultEmergencyNumbers...),
			NationalPrefix:      DefaultNationalPrefix,
			InternationalPrefix: DefaultIntlPrefix,
		},
	}
}
