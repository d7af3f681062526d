// Package asteriskconf holds the Asterisk 22 configuration Switchboard ships,
// as text/template files, and renders it for one installation: its secrets,
// ports, addresses and paths. The same files serve a user's Asterisk and the
// scenario harness's real-Asterisk mode.
package asteriskconf

import "time"

// Shared names: every part of Switchboard agrees on these (docs/architecture.md).
const (
	// AppName is the Stasis application every call enters.
	AppName = "switchboard"
	// ContextPhones is the dialplan context of desk-phone endpoints (origin "phone").
	ContextPhones = "from-phones"
	// ContextBrowser is the dialplan context of WebRTC endpoints (origin "browser").
	ContextBrowser = "from-browser"
	// ContextTrunk is the dialplan context of trunk endpoints (origin "trunk").
	ContextTrunk = "from-trunk"
	// ContextHints is the subscribe_context holding the BLF hints.
	ContextHints = "hints"
	// ContextFaxReceive runs ReceiveFAX(${FAXFILE}) on a channel the app
	// sent there with POST /channels/{id}/continue.
	ContextFaxReceive = "fax-rx"
	// ContextFaxSend runs SendFAX(${FAXFILE}) likewise.
	ContextFaxSend = "fax-tx"
	// ContextFaxDone is the hangup handler that raises the FaxResult UserEvent.
	ContextFaxDone = "fax-done"
	// TransportWSS names the WebSocket transport (served at /ws by the HTTP server).
	TransportWSS = "transport-wss"
	// SorceryClass is the ARI dynamic-configuration class of PJSIP objects.
	SorceryClass = "res_pjsip"
)

// Params is everything that varies per installation. Start from Defaults and
// set the secrets; Validate says what is still wrong.
type Params struct {
	// App is the Stasis application name; Switchboard always uses AppName.
	App string

	// ARIUser and ARIPassword are the one ARI account (ari.conf).
	ARIUser     string
	ARIPassword string
	// AMIUser and AMIPassword are the app's manager account (manager.conf).
	AMIUser     string
	AMIPassword string

	// HTTPBindAddr and HTTPPort are Asterisk's plain HTTP server: ARI (REST and
	// the event WebSocket). The address must be a loopback address.
	HTTPBindAddr string
	HTTPPort     int
	// HTTPSessionLimit caps Asterisk's concurrent HTTP sessions. Size it for the
	// app's ARI connection pool + its event WebSocket + every browser's WSS
	// connection + a margin (SessionLimitFor computes that).
	HTTPSessionLimit int
	// WebSocketWriteTimeout is ari.conf's websocket_write_timeout: how long
	// Asterisk waits on a slow app before it drops the event WebSocket.
	WebSocketWriteTimeout time.Duration

	// TLSCertFile and TLSKeyFile (PEM) enable HTTPS/WSS on WSSBindAddr:WSSPort
	// (browsers' wss://host:port/ws) and the SIP TLS transport. Both empty:
	// no TLS at all; browsers can then only reach ws://<loopback>/ws.
	TLSCertFile string
	TLSKeyFile  string
	// WSSBindAddr and WSSPort are where the TLS HTTP server listens.
	WSSBindAddr string
	WSSPort     int

	// AMIBindAddr and AMIPort are the manager interface; loopback only.
	AMIBindAddr string
	AMIPort     int

	// SIPBindAddr is the address the SIP transports bind to.
	SIPBindAddr string
	// SIPUDPPort, SIPTCPPort and SIPTLSPort are the SIP listeners; 0 disables
	// TCP or TLS (UDP is always on). TLS also needs TLSCertFile.
	SIPUDPPort int
	SIPTCPPort int
	SIPTLSPort int

	// RTPStart and RTPEnd bound the RTP/SRTP port range (rtp.conf).
	RTPStart int
	RTPEnd   int
	// UDPTLStart and UDPTLEnd bound the T.38 (UDPTL) port range (udptl.conf).
	UDPTLStart int
	UDPTLEnd   int

	// ExternalAddress is the public (WAN) address or host name phones outside
	// the LAN see; empty when Asterisk is not behind NAT.
	ExternalAddress string
	// LocalNets are the networks reached without NAT (CIDR), e.g. 192.168.1.0/24.
	LocalNets []string
	// STUNServer (host:port) lets ICE learn the public address; optional.
	STUNServer string

	// Dirs are Asterisk's directories (asterisk.conf [directories]).
	Dirs Dirs
	// MOHDirectory holds the default music-on-hold files; relative to
	// Dirs.Data or absolute.
	MOHDirectory string
	// Country selects the tones of indications.conf (us, uk, de, fr).
	Country string
	// ParkingSlots are the slot numbers that get a BLF hint on Stasis:park<slot>.
	ParkingSlots []string
	// UserAgent is the SIP User-Agent/Server header.
	UserAgent string

	// Trunks are static SIP trunks written to pjsip.conf.
	Trunks []Trunk

	// Mailboxes loads res_mwi_external, res_stasis_mailbox and res_ari_mailboxes
	// (not in a default Asterisk build) for /ari/mailboxes and MWI.
	Mailboxes bool
	// Fax loads res_fax, res_fax_spandsp and res_pjsip_t38 (spandsp needed).
	Fax bool
	// Opus loads codec_opus and res_format_attr_opus (codec_opus is a separate
	// binary download; source builds lack it).
	Opus bool
}

// Dirs are Asterisk's directories. Every one but Mod and Cache is required so
// that the harness can run Asterisk from a temporary folder.
type Dirs struct {
	// Etc holds the configuration files (astetcdir).
	Etc string
	// Mod holds the modules (astmoddir); empty keeps the compiled-in default.
	Mod string
	// VarLib is astvarlibdir.
	VarLib string
	// DB holds astdb (astdbdir).
	DB string
	// Key holds keys (astkeydir).
	Key string
	// Data holds sounds/, moh/, documentation/ and static-http/ (astdatadir);
	// Debian's prompts live in /usr/share/asterisk.
	Data string
	// AGI is astagidir.
	AGI string
	// Spool holds recordings, voicemail and fax files (astspooldir).
	Spool string
	// Run holds the pid file and the control socket (astrundir).
	Run string
	// Log holds the log files (astlogdir).
	Log string
	// Cache is astcachedir; empty keeps the compiled-in default.
	Cache string
}

// Trunk is a static SIP trunk: an endpoint in from-trunk, its AOR, outbound
// auth, an optional registration and an identify by source address.
type Trunk struct {
	// Name is the endpoint id (PJSIP/<number>@<Name> dials through it).
	Name string
	// Host is the provider's host name or address; Port 0 means 5060.
	Host string
	Port int
	// Username and Password authenticate to the provider; both empty: none.
	Username string
	Password string
	// Register sends a REGISTER for inbound calls.
	Register bool
	// FromUser and FromDomain, when set, shape the From header.
	FromUser   string
	FromDomain string
	// Match lists the provider's source addresses or networks that identify
	// inbound calls as this trunk; empty means Host.
	Match []string
}

// Defaults returns working values for everything but the secrets, which stay
// empty (Validate refuses them until they are set).
func Defaults() Params {
	return Params{
		App:                   AppName,
		ARIUser:               "switchboard",
		AMIUser:               "switchboard",
		HTTPBindAddr:          "127.0.0.1",
		HTTPPort:              8088,
		HTTPSessionLimit:      SessionLimitFor(50, 100), // ari.DefaultMaxConns, 100 browsers
		WebSocketWriteTimeout: 5 * time.Second,
		WSSBindAddr:           "0.0.0.0",
		WSSPort:               8089,
		AMIBindAddr:           "127.0.0.1",
		AMIPort:               5038,
		SIPBindAddr:           "0.0.0.0",
		SIPUDPPort:            5060,
		SIPTCPPort:            5060,
		SIPTLSPort:            5061,
		RTPStart:              10000,
		RTPEnd:                20000,
		UDPTLStart:            4000,
		UDPTLEnd:              4999,
		Dirs: Dirs{
			Etc:    "/etc/asterisk",
			VarLib: "/var/lib/asterisk",
			DB:     "/var/lib/asterisk",
			Key:    "/var/lib/asterisk",
			Data:   "/usr/share/asterisk",
			AGI:    "/usr/share/asterisk/agi-bin",
			Spool:  "/var/spool/asterisk",
			Run:    "/var/run/asterisk",
			Log:    "/var/log/asterisk",
		},
		MOHDirectory: "moh",
		Country:      "us",
		ParkingSlots: []string{"41", "42", "43", "44", "45", "46", "47", "48", "49"},
		UserAgent:    "Switchboard",
		Fax:          true,
	}
}

// SessionLimitFor sizes http.conf's sessionlimit: the app's ARI connection
// pool, its event WebSocket, one WSS connection per browser, and a margin
// for operators' tools.
func SessionLimitFor(ariPool, browsers int) int {
	return ariPool + 1 + browsers + 16
}

// TLS reports whether the parameters enable TLS (HTTPS/WSS and SIP TLS).
func (p Params) TLS() bool { return p.TLSCertFile != "" && p.TLSKeyFile != "" }
