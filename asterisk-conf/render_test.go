package asteriskconf

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari"
)

// testParams are valid parameters with every directory under a temp folder.
func testParams(t *testing.T) Params {
	t.Helper()
	root := t.TempDir()
	p := Defaults()
	p.ARIPassword = "ari-Secret-0123456789"
	p.AMIPassword = "ami-Secret-9876543210"
	p.Dirs = Dirs{
		Etc: filepath.Join(root, "etc"), VarLib: filepath.Join(root, "lib"),
		DB: filepath.Join(root, "db"), Key: filepath.Join(root, "keys"),
		Data: filepath.Join(root, "data"), AGI: filepath.Join(root, "agi"),
		Spool: filepath.Join(root, "spool"), Run: filepath.Join(root, "run"),
		Log: filepath.Join(root, "log"),
	}
	p.SIPTLSPort = 0 // no certificate in the default test set-up
	return p
}

// renderParsed renders p into a temp dir and parses every file.
func renderParsed(t *testing.T, p Params) map[string]*confFile {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "asterisk")
	if err := Render(p, dir); err != nil {
		t.Fatalf("Render: %v", err)
	}
	out := map[string]*confFile{}
	for _, name := range Files() {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := parseConf(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = f
	}
	return out
}

func TestRenderWritesEveryFileReadableOnlyByItsOwner(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	if err := Render(testParams(t), dir); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != DirMode {
		t.Errorf("dir mode %v, want %v", st.Mode().Perm(), DirMode)
	}
	want := []string{"ari.conf", "asterisk.conf", "extensions.conf", "http.conf", "manager.conf",
		"modules.conf", "pjsip.conf", "sorcery.conf", "features.conf", "indications.conf",
		"res_fax.conf", "udptl.conf", "rtp.conf", "musiconhold.conf", "logger.conf", "stasis.conf"}
	for _, name := range want {
		if !slices.Contains(Files(), name) {
			t.Errorf("Files() lacks %s", name)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(Files()) {
		t.Errorf("dir holds %d entries, want %d (no temporary files left)", len(entries), len(Files()))
	}
	for _, name := range Files() {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != FileMode {
			t.Errorf("%s mode %v, want %v", name, st.Mode().Perm(), FileMode)
		}
	}
}

func TestRenderTightensAnExistingDirectoryAndFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ari.conf"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Render(testParams(t), dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, filepath.Join(dir, "ari.conf")} {
		st, _ := os.Stat(p)
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v: group/other still have access", p, st.Mode().Perm())
		}
	}
}

func TestARIAndAMICredentialsInTheFilesMatchTheParams(t *testing.T) {
	p := testParams(t)
	p.ARIUser, p.AMIUser = "sb-ari", "sb-ami"
	files := renderParsed(t, p)
	ari := files["ari.conf"]
	u := ari.section(t, "sb-ari")
	if ari.value(u, "type") != "user" || ari.value(u, "password") != p.ARIPassword ||
		ari.value(u, "password_format") != "plain" || ari.value(u, "read_only") != "no" {
		t.Errorf("ari user section: %+v", u.Lines)
	}
	if got := len(ari.Sections); got != 2 {
		t.Errorf("ari.conf has %d sections, want general + one user", got)
	}
	ami := files["manager.conf"]
	m := ami.section(t, "sb-ami")
	if ami.value(m, "secret") != p.AMIPassword {
		t.Errorf("AMI secret %q, want the param", ami.value(m, "secret"))
	}
}

func TestManagerUserReadsAndWritesExactlyTheAgreedClasses(t *testing.T) {
	ami := renderParsed(t, testParams(t))["manager.conf"]
	g := ami.section(t, "general")
	if ami.value(g, "bindaddr") != "127.0.0.1" || ami.value(g, "webenabled") != "no" ||
		ami.value(g, "displayconnects") != "no" || ami.value(g, "port") != "5038" {
		t.Errorf("general: %+v", g.Lines)
	}
	u := ami.section(t, "switchboard")
	if got := ami.value(u, "read"); got != "system,call,security,reporting" {
		t.Errorf("read = %q", got)
	}
	if got := ami.value(u, "write"); got != "system" {
		t.Errorf("write = %q (no originate, command or config)", got)
	}
	if !slices.Contains(ami.values(u, "deny"), "0.0.0.0/0.0.0.0") {
		t.Errorf("AMI user not limited to loopback: %v", ami.values(u, "deny"))
	}
}

func TestHTTPKeepsARIOnLoopbackAndServesWSSOnlyWithACertificate(t *testing.T) {
	p := testParams(t)
	http := renderParsed(t, p)["http.conf"]
	g := http.section(t, "general")
	if http.value(g, "bindaddr") != "127.0.0.1" || http.value(g, "bindport") != "8088" {
		t.Errorf("plain HTTP not on loopback: %+v", g.Lines)
	}
	if http.value(g, "tlsenable") != "no" {
		t.Errorf("TLS enabled without a certificate")
	}
	if http.value(g, "sessionlimit") != "167" {
		t.Errorf("sessionlimit = %q, want SessionLimitFor(50,100)=167", http.value(g, "sessionlimit"))
	}
	r := http.section(t, "/ari")
	if http.value(r, "type") != "restriction" || !slices.Contains(http.values(r, "deny"), "0.0.0.0/0") ||
		!slices.Contains(http.values(r, "permit"), "127.0.0.0/8") {
		t.Errorf("/ari restriction: %+v", r.Lines)
	}

	p.TLSCertFile, p.TLSKeyFile, p.SIPTLSPort = "/etc/ssl/sb.crt", "/etc/ssl/sb.key", 5061
	files := renderParsed(t, p)
	http = files["http.conf"]
	g = http.section(t, "general")
	if http.value(g, "tlsenable") != "yes" || http.value(g, "tlsbindaddr") != "0.0.0.0:8089" ||
		http.value(g, "tlscertfile") != p.TLSCertFile || http.value(g, "tlsprivatekey") != p.TLSKeyFile {
		t.Errorf("TLS listener: %+v", g.Lines)
	}
	pj := files["pjsip.conf"]
	tls := pj.section(t, "transport-tls")
	if pj.value(tls, "bind") != "0.0.0.0:5061" || pj.value(tls, "cert_file") != p.TLSCertFile {
		t.Errorf("SIP TLS transport: %+v", tls.Lines)
	}
}

func TestWebSocketWriteTimeoutIsWrittenInMilliseconds(t *testing.T) {
	ari := renderParsed(t, testParams(t))["ari.conf"]
	if got := ari.value(ari.section(t, "general"), "websocket_write_timeout"); got != "5000" {
		t.Errorf("websocket_write_timeout = %q, want 5000", got)
	}
}

func TestTransportsFollowTheParams(t *testing.T) {
	p := testParams(t)
	p.SIPBindAddr, p.SIPUDPPort, p.SIPTCPPort = "192.0.2.10", 5070, 0
	p.ExternalAddress = "pbx.example.net"
	p.LocalNets = []string{"192.168.1.0/24", "10.0.0.0/8"}
	pj := renderParsed(t, p)["pjsip.conf"]
	udp := pj.section(t, "transport-udp")
	if pj.value(udp, "protocol") != "udp" || pj.value(udp, "bind") != "192.0.2.10:5070" ||
		pj.value(udp, "type") != "transport" {
		t.Errorf("udp: %+v", udp.Lines)
	}
	if got := pj.values(udp, "local_net"); !slices.Equal(got, p.LocalNets) {
		t.Errorf("local_net = %v", got)
	}
	if pj.value(udp, "external_media_address") != "pbx.example.net" ||
		pj.value(udp, "external_signaling_address") != "pbx.example.net" {
		t.Errorf("external addresses missing: %+v", udp.Lines)
	}
	if len(pj.sections("transport-tcp")) != 0 || len(pj.sections("transport-tls")) != 0 {
		t.Errorf("disabled transports rendered")
	}
	if pj.value(pj.section(t, "transport-wss"), "protocol") != "wss" {
		t.Errorf("no WSS transport")
	}
	g := pj.section(t, "global")
	if pj.value(g, "taskprocessor_overload_trigger") != "pjsip_only" {
		t.Errorf("taskprocessor_overload_trigger not pjsip_only")
	}
	if strings.Contains(pj.value(g, "endpoint_identifier_order"), "anonymous") {
		t.Errorf("anonymous identifier enabled")
	}
	for _, s := range pj.Sections {
		if s.Name == "anonymous" || (pj.value(s, "type") == "endpoint" && !s.IsTemplate) {
			t.Errorf("pjsip.conf defines endpoint [%s]; extensions are provisioned, not static", s.Name)
		}
	}
}

func TestTrunkBecomesEndpointAORAuthRegistrationAndIdentify(t *testing.T) {
	p := testParams(t)
	p.Trunks = []Trunk{{Name: "carrier", Host: "sip.carrier.example", Username: "acct1",
		Password: "trunk-Secret-123456", Register: true, Match: []string{"198.51.100.0/24"}}}
	pj := renderParsed(t, p)["pjsip.conf"]
	byType := map[string]*confSection{}
	for _, s := range append(pj.sections("carrier"), append(pj.sections("carrier-auth"),
		append(pj.sections("carrier-reg"), pj.sections("carrier-identify")...)...)...) {
		byType[pj.value(s, "type")] = s
	}
	for _, typ := range []string{"endpoint", "aor", "auth", "registration", "identify"} {
		if byType[typ] == nil {
			t.Fatalf("trunk has no %s object", typ)
		}
	}
	if pj.value(byType["endpoint"], "context") != ContextTrunk || pj.value(byType["endpoint"], "fax_detect") != "no" {
		t.Errorf("trunk endpoint: context %q fax_detect %q", pj.value(byType["endpoint"], "context"),
			pj.value(byType["endpoint"], "fax_detect"))
	}
	if pj.value(byType["auth"], "password") != "trunk-Secret-123456" {
		t.Errorf("trunk password not written")
	}
	if pj.value(byType["aor"], "contact") != "sip:sip.carrier.example" {
		t.Errorf("contact = %q", pj.value(byType["aor"], "contact"))
	}
	if pj.value(byType["identify"], "match") != "198.51.100.0/24" {
		t.Errorf("identify match = %q", pj.value(byType["identify"], "match"))
	}
}

var stasisEntry = regexp.MustCompile(`^Stasis\(switchboard,(phone|browser|trunk),\$\{EXTEN\}\)$`)

func TestEveryOriginEntersStasisAndFallsBackWhenTheAppIsDown(t *testing.T) {
	ext := renderParsed(t, testParams(t))["extensions.conf"]
	for ctx, origin := range map[string]string{ContextPhones: "phone", ContextBrowser: "browser", ContextTrunk: "trunk"} {
		s := ext.section(t, ctx)
		var entries, fallbacks int
		for i, kv := range s.Lines {
			if kv.Key != "exten" {
				continue
			}
			parts := strings.SplitN(kv.Value, ",", 3)
			if len(parts) != 3 {
				t.Fatalf("%s line %d: %q", ctx, kv.Line, kv.Value)
			}
			if strings.HasPrefix(parts[0], "_") && stasisEntry.MatchString(parts[2]) {
				if !strings.Contains(parts[2], ","+origin+",") {
					t.Errorf("%s enters with the wrong origin: %s", ctx, parts[2])
				}
				entries++
				if i+1 < len(s.Lines) && s.Lines[i+1].Key == "same" &&
					s.Lines[i+1].Value == "n,Goto(stasis-failed,s,1)" {
					fallbacks++
				}
			}
			if strings.Contains(kv.Value, "stasis-switchboard") {
				t.Errorf("%s points at the auto-created stasis context", ctx)
			}
		}
		if entries < 2 || fallbacks != entries {
			t.Errorf("%s: %d pattern entries, %d with fallback", ctx, entries, fallbacks)
		}
	}
	failed := ext.section(t, "stasis-failed")
	joined := ""
	for _, kv := range failed.Lines {
		joined += kv.Value + "\n"
	}
	for _, want := range []string{`${STASISSTATUS}" != "FAILED"`, "Playback(ss-noservice,noanswer)", "Hangup(34)"} {
		if !strings.Contains(joined, want) {
			t.Errorf("stasis-failed lacks %q", want)
		}
	}
}

func TestHintsFollowExtensionsAndParkingSlots(t *testing.T) {
	p := testParams(t)
	p.ParkingSlots = []string{"41", "42"}
	ext := renderParsed(t, p)["extensions.conf"]
	h := ext.values(ext.section(t, ContextHints), "exten")
	want := []string{
		"_X.,hint,PJSIP/${EXTEN}&PJSIP/${EXTEN}-web&Stasis:dnd${EXTEN}",
		"41,hint,Stasis:park41",
		"42,hint,Stasis:park42",
	}
	if !slices.Equal(h, want) {
		t.Errorf("hints = %q\nwant %q", h, want)
	}
}

func TestFaxContextsReportTheResultFromAHangupHandler(t *testing.T) {
	p := testParams(t)
	ext := renderParsed(t, p)["extensions.conf"]
	rx := ext.values(ext.section(t, ContextFaxReceive), "same")
	if !slices.Contains(rx, "n,ReceiveFAX(${FAXFILE},f)") {
		t.Errorf("fax-rx: %q", rx)
	}
	first := ext.values(ext.section(t, ContextFaxSend), "exten")
	if len(first) != 1 || !strings.Contains(first[0], "hangup_handler_push)=fax-done,s,1(tx)") {
		t.Errorf("fax-tx does not push the hangup handler first: %q", first)
	}
	done := ext.values(ext.section(t, ContextFaxDone), "exten")
	if len(done) != 1 || !strings.Contains(done[0], "UserEvent(FaxResult,") {
		t.Errorf("fax-done: %q", done)
	}

	p.Fax = false
	files := renderParsed(t, p)
	if len(files["extensions.conf"].sections(ContextFaxReceive)) != 0 {
		t.Errorf("fax contexts rendered without Fax")
	}
	if strings.Contains(strings.Join(moduleLines(files["modules.conf"]), " "), "res_fax") {
		t.Errorf("res_fax loaded without Fax")
	}
}

func moduleLines(f *confFile) []string {
	var out []string
	for _, s := range f.Sections {
		for _, kv := range s.Lines {
			if kv.Key == "load" || kv.Key == "require" {
				out = append(out, kv.Key+" "+kv.Value)
			}
		}
	}
	return out
}

func TestModulesConfLoadsExactlyTheListedModules(t *testing.T) {
	for _, mailboxes := range []bool{false, true} {
		p := testParams(t)
		p.Mailboxes = mailboxes
		mods := renderParsed(t, p)["modules.conf"]
		s := mods.section(t, "modules")
		if mods.value(s, "autoload") != "no" {
			t.Errorf("autoload is not off")
		}
		var want []string
		for _, m := range p.Modules() {
			verb := "load"
			if m.Require {
				verb = "require"
			}
			want = append(want, verb+" "+m.Name)
		}
		if got := moduleLines(mods); !slices.Equal(got, want) {
			t.Errorf("modules.conf lines differ from Modules():\n%v\n%v", got, want)
		}
		hasMWI := slices.Contains(p.RequiredModules(), "res_ari_mailboxes.so")
		if hasMWI != mailboxes {
			t.Errorf("Mailboxes=%v but res_ari_mailboxes required=%v", mailboxes, hasMWI)
		}
		for _, must := range []string{"app_stasis.so", "res_ari.so", "chan_pjsip.so", "res_sorcery_memory.so"} {
			if !slices.Contains(p.RequiredModules(), must) {
				t.Errorf("%s is not required", must)
			}
		}
	}
}

func TestPickupExtensionCannotBeDialled(t *testing.T) {
	f := renderParsed(t, testParams(t))["features.conf"]
	px := f.value(f.section(t, "general"), "pickupexten")
	if px == "" || strings.HasPrefix(px, "*8") || regexp.MustCompile(`^[0-9*#]+$`).MatchString(px) {
		t.Errorf("pickupexten %q is dialable", px)
	}
}

func TestSorceryLetsARICreateEndpointsAORsAndAuths(t *testing.T) {
	f := renderParsed(t, testParams(t))["sorcery.conf"]
	s := f.section(t, SorceryClass)
	for _, typ := range []string{"endpoint", "aor", "auth"} {
		got := f.values(s, typ)
		want := []string{"config,pjsip.conf,criteria=type=" + typ, "memory"}
		if !slices.Equal(got, want) {
			t.Errorf("%s wizards = %q, want %q", typ, got, want)
		}
	}
}

func TestIndicationsDefineTheTonesOfTheChosenCountry(t *testing.T) {
	p := testParams(t)
	p.Country = "de"
	f := renderParsed(t, p)["indications.conf"]
	if f.value(f.section(t, "general"), "country") != "de" {
		t.Errorf("default country not de")
	}
	de := f.section(t, "de")
	for _, tone := range []string{"dial", "busy", "ring", "congestion", "info", "callwaiting"} {
		if f.value(de, tone) == "" {
			t.Errorf("de lacks %s", tone)
		}
	}
}

func TestAsteriskConfPointsEveryDirectoryAtTheParams(t *testing.T) {
	p := testParams(t)
	f := renderParsed(t, p)["asterisk.conf"]
	d := f.section(t, "directories")
	for key, want := range map[string]string{"astetcdir": p.Dirs.Etc, "astdbdir": p.Dirs.DB,
		"astspooldir": p.Dirs.Spool, "astrundir": p.Dirs.Run, "astlogdir": p.Dirs.Log,
		"astdatadir": p.Dirs.Data, "astvarlibdir": p.Dirs.VarLib, "astkeydir": p.Dirs.Key,
		"astagidir": p.Dirs.AGI} {
		if got := f.value(d, key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if f.value(d, "astmoddir") != "" {
		t.Errorf("astmoddir written although Dirs.Mod is empty")
	}
	p.Dirs.Mod = "/opt/asterisk/lib/asterisk/modules"
	f = renderParsed(t, p)["asterisk.conf"]
	if got := f.value(f.section(t, "directories"), "astmoddir"); got != p.Dirs.Mod {
		t.Errorf("astmoddir = %q", got)
	}
}

func TestRenderWritesNothingWhenTheParamsAreInvalid(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	p := testParams(t)
	p.ARIPassword = ""
	if err := Render(p, dir); !errors.Is(err, ErrWeakSecret) {
		t.Fatalf("Render: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("dir created although rendering was refused")
	}
}

// The ARI client drops an idle connection before Asterisk's keep-alive
// closes it: a request sent on a connection Asterisk is closing fails.
func TestARIClientDropsIdleConnectionsBeforeAsteriskDoes(t *testing.T) {
	http := renderParsed(t, testParams(t))["http.conf"]
	ms, err := strconv.Atoi(http.value(http.section(t, "general"), "session_keep_alive"))
	if err != nil {
		t.Fatalf("session_keep_alive: %v", err)
	}
	if keep := time.Duration(ms) * time.Millisecond; ari.IdleConnTimeout >= keep-time.Second {
		t.Errorf("ari.IdleConnTimeout %s is not safely under Asterisk's session_keep_alive %s", ari.IdleConnTimeout, keep)
	}
}
