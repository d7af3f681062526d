package provision

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari"
)

const secret = "s3cret-for-101"

func ext(n string, browser bool) Extension {
	return Extension{Number: n, Name: "Alice " + n, SIPSecret: secret + n, Browser: browser}
}

// fieldOrder returns the attributes of the last PUT body, for order checks.
func attrOrder(tuples []ari.ConfigTuple) []string {
	out := make([]string, len(tuples))
	for i, t := range tuples {
		out[i] = t.Attribute
	}
	return out
}

func TestApplyCreatesAuthAORAndEndpointForDeskPhones(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{})
	if err := p.Apply(context.Background(), ext("101", false)); err != nil {
		t.Fatal(err)
	}
	auth, ok := f.get(TypeAuth, "101")
	if !ok || auth["auth_type"] != "digest" || auth["username"] != "101" || auth["password"] != secret+"101" {
		t.Errorf("auth = %v", auth)
	}
	aor, _ := f.get(TypeAOR, "101")
	if aor["max_contacts"] != "5" || aor["remove_existing"] != "no" {
		t.Errorf("aor = %v", aor)
	}
	ep, _ := f.get(TypeEndpoint, "101")
	want := map[string]string{
		"context": ContextPhones, "subscribe_context": ContextHints, "aors": "101", "auth": "101",
		"allow": "g722,ulaw,alaw", "direct_media": "no", "rtp_symmetric": "yes", "force_rport": "yes",
		"rewrite_contact": "yes", "fax_detect": "no", "send_pai": "yes", "trust_id_outbound": "yes",
		"allow_subscribe": "yes", "callerid": `"Alice 101" <101>`, "mailboxes": "",
	}
	for k, v := range want {
		if ep[k] != v {
			t.Errorf("endpoint %s = %q, want %q", k, ep[k], v)
		}
	}
	if _, ok := ep["transport"]; ok {
		t.Errorf("endpoint pinned to a transport; phones use udp, tcp or tls")
	}
	f.mu.Lock()
	order := attrOrder(f.objects["endpoint/101"])
	log := append([]string(nil), f.log...)
	f.mu.Unlock()
	if slices.Index(order, "disallow") > slices.Index(order, "allow") {
		t.Errorf("allow sent before disallow=all: %v", order)
	}
	// the endpoint names its auth and AOR, so they are written first
	if slices.Index(log, "PUT endpoint/101") < slices.Index(log, "PUT aor/101") ||
		slices.Index(log, "PUT endpoint/101") < slices.Index(log, "PUT auth/101") {
		t.Errorf("request order %v", log)
	}
	if _, ok := f.get(TypeEndpoint, "101-web"); ok {
		t.Errorf("browser endpoint created for an extension without a browser")
	}
}

func TestApplyProvisionsTheBrowserAsAWebRTCEndpoint(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{})
	if err := p.Apply(context.Background(), ext("102", true)); err != nil {
		t.Fatal(err)
	}
	ep, ok := f.get(TypeEndpoint, "102-web")
	if !ok {
		t.Fatal("no 102-web endpoint")
	}
	for k, v := range map[string]string{"context": ContextBrowser, "webrtc": "yes", "allow": "ulaw,alaw",
		"dtmf_mode": "auto_info", "direct_media": "no", "aors": "102-web", "auth": "102-web",
		"callerid": `"Alice 102" <102>`, "fax_detect": "no"} {
		if ep[k] != v {
			t.Errorf("102-web %s = %q, want %q", k, ep[k], v)
		}
	}
	aor, _ := f.get(TypeAOR, "102-web")
	if aor["remove_existing"] != "yes" || aor["max_contacts"] != "2" {
		t.Errorf("102-web aor = %v", aor)
	}
	auth, _ := f.get(TypeAuth, "102-web")
	if auth["username"] != "102-web" || auth["password"] != secret+"102" {
		t.Errorf("102-web auth = %v", auth)
	}
}

func TestApplyWithoutBrowserRemovesAnEarlierBrowserEndpoint(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{})
	ctx := context.Background()
	if err := p.Apply(ctx, ext("103", true)); err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(ctx, ext("103", false)); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{TypeEndpoint, TypeAOR, TypeAuth} {
		if _, ok := f.get(typ, "103-web"); ok {
			t.Errorf("%s 103-web still there", typ)
		}
	}
	if _, ok := f.get(TypeEndpoint, "103"); !ok {
		t.Errorf("desk endpoint removed too")
	}
}

func TestOptionsShapeMailboxesFaxAndCodecs(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{Mailboxes: true, Fax: true, BrowserCodecs: []string{"opus", "ulaw"}, MaxContacts: 3})
	if err := p.Apply(context.Background(), ext("104", true)); err != nil {
		t.Fatal(err)
	}
	ep, _ := f.get(TypeEndpoint, "104")
	if ep["mailboxes"] != "104@default" || ep["t38_udptl"] != "yes" || ep["t38_udptl_ec"] != "redundancy" {
		t.Errorf("desk endpoint = %v", ep)
	}
	aor, _ := f.get(TypeAOR, "104")
	if aor["mailboxes"] != "104@default" || aor["max_contacts"] != "3" {
		t.Errorf("desk aor = %v", aor)
	}
	web, _ := f.get(TypeEndpoint, "104-web")
	if web["allow"] != "opus,ulaw" || web["t38_udptl"] != "no" || web["mailboxes"] != "104@default" {
		t.Errorf("browser endpoint = %v", web)
	}
}

func TestCallerIDNameCannotBreakItsQuoting(t *testing.T) {
	for name, want := range map[string]string{
		`Bob "The" <Boss>`: `"Bob The Boss" <105>`,
		"":                 `<105>`,
		"Zoë\n":            `"Zoë" <105>`,
	} {
		if got := callerID(name, "105"); got != want {
			t.Errorf("callerID(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestInvalidExtensionsAreRefusedBeforeAnyRequest(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{})
	ctx := context.Background()
	for _, e := range []Extension{
		{Number: "10a", SIPSecret: "long-enough-secret"},
		{Number: "", SIPSecret: "long-enough-secret"},
		{Number: "106", SIPSecret: "short"},
		{Number: "106", SIPSecret: "long-enough\nsecret"},
	} {
		if err := p.Apply(ctx, e); !errors.Is(err, ErrInvalidExtension) {
			t.Errorf("Apply(%+v) = %v, want ErrInvalidExtension", e, err)
		}
	}
	if err := p.Remove(ctx, "../x"); !errors.Is(err, ErrInvalidExtension) {
		t.Errorf("Remove(../x) = %v", err)
	}
	if n := f.count(""); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestRemoveDeletesBothPhonesAndIgnoresWhatIsAlreadyGone(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{})
	ctx := context.Background()
	if err := p.Apply(ctx, ext("107", true)); err != nil {
		t.Fatal(err)
	}
	if err := p.Remove(ctx, "107"); err != nil {
		t.Fatal(err)
	}
	if err := p.Remove(ctx, "107"); err != nil {
		t.Errorf("second Remove: %v", err)
	}
	f.mu.Lock()
	left := len(f.objects)
	f.mu.Unlock()
	if left != 0 {
		t.Errorf("%d objects left", left)
	}
}

func TestSyncDeletesExtensionsNoLongerWantedButNeverTrunks(t *testing.T) {
	f, c := newFakeARI(t)
	f.addStatic(TypeEndpoint, "carrier", ari.ConfigTuple{Attribute: "context", Value: "from-trunk"})
	f.addStatic(TypeEndpoint, "5551234", ari.ConfigTuple{Attribute: "context", Value: "from-trunk"})
	f.addStatic(TypeEndpoint, "199", ari.ConfigTuple{Attribute: "context", Value: ContextPhones})
	p := New(c, Options{})
	ctx := context.Background()
	if _, err := p.Sync(ctx, []Extension{ext("101", true), ext("102", true), ext("103", false)}); err != nil {
		t.Fatal(err)
	}
	rep, err := p.Sync(ctx, []Extension{ext("101", true), ext("102", false)})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(rep.Removed)
	if !slices.Equal(rep.Removed, []string{"103"}) || !slices.Equal(rep.Applied, []string{"101", "102"}) {
		t.Errorf("report = %+v", rep)
	}
	for id, want := range map[string]bool{"101": true, "101-web": true, "102": true, "102-web": false,
		"103": false, "carrier": true, "5551234": true, "199": true} {
		if _, ok := f.get(TypeEndpoint, id); ok != want {
			t.Errorf("endpoint %s present=%v, want %v", id, ok, want)
		}
	}
	for _, typ := range []string{TypeAOR, TypeAuth} {
		if _, ok := f.get(typ, "103"); ok {
			t.Errorf("%s 103 left behind", typ)
		}
	}
}

func TestSyncTwiceChangesNothingTheSecondTime(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{})
	ctx := context.Background()
	want := []Extension{ext("101", true), ext("102", false)}
	if _, err := p.Sync(ctx, want); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	before := map[string][]ari.ConfigTuple{}
	for k, v := range f.objects {
		before[k] = append([]ari.ConfigTuple(nil), v...)
	}
	f.mu.Unlock()
	puts := f.count("PUT ")
	rep, err := p.Sync(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Removed) != 0 {
		t.Errorf("second Sync removed %v", rep.Removed)
	}
	if n := f.count("PUT ") - puts; n != 0 {
		t.Errorf("second Sync wrote %d unchanged objects", n)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(before) != len(f.objects) {
		t.Fatalf("objects %d -> %d", len(before), len(f.objects))
	}
	for k, v := range before {
		if !slices.Equal(v, f.objects[k]) {
			t.Errorf("%s changed: %v -> %v", k, v, f.objects[k])
		}
	}
}

func TestSyncCarriesOnPastAFailingExtensionAndKeepsItsObjects(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{})
	ctx := context.Background()
	if _, err := p.Sync(ctx, []Extension{ext("101", false), ext("102", false)}); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.failPut["auth/101"] = 400
	f.mu.Unlock()
	changed := ext("101", false)
	changed.SIPSecret = "a-new-secret-101"
	rep, err := p.Sync(ctx, []Extension{changed, ext("102", false), ext("103", false)})
	if !errors.Is(err, ErrAsterisk) || !errors.Is(err, ari.ErrInvalid) {
		t.Fatalf("err = %v, want ErrAsterisk wrapping ari.ErrInvalid", err)
	}
	if !slices.Equal(rep.Applied, []string{"102", "103"}) || len(rep.Removed) != 0 {
		t.Errorf("report = %+v", rep)
	}
	if _, ok := f.get(TypeEndpoint, "101"); !ok {
		t.Errorf("the failing extension's old endpoint was deleted")
	}
}

func TestAChangedEndpointIsReplacedNeverUpdatedInPlace(t *testing.T) {
	f, c := newFakeARI(t)
	p := New(c, Options{})
	ctx := context.Background()
	e := ext("108", true)
	if err := p.Apply(ctx, e); err != nil {
		t.Fatal(err)
	}
	e.Name = "Renamed"
	e.SIPSecret = "another-secret-108"
	if err := p.Apply(ctx, e); err != nil {
		t.Fatal(err)
	}
	if n := f.count("UPDATE endpoint/"); n != 0 {
		t.Errorf("%d in-place endpoint updates", n)
	}
	ep, _ := f.get(TypeEndpoint, "108")
	auth, _ := f.get(TypeAuth, "108-web")
	if ep["callerid"] != `"Renamed" <108>` || auth["password"] != "another-secret-108" {
		t.Errorf("change not applied: endpoint %v, auth %v", ep["callerid"], auth["password"])
	}
	if f.count("DELETE endpoint/108") != 2 || f.count("DELETE endpoint/108-web") != 1 { // 108 is a prefix of 108-web
		t.Errorf("endpoints not replaced: %v", f.log)
	}
}

func TestANewProvisionerReplacesWhatAnEarlierProcessWrote(t *testing.T) {
	f, c := newFakeARI(t)
	ctx := context.Background()
	if err := New(c, Options{}).Apply(ctx, ext("109", false)); err != nil {
		t.Fatal(err)
	}
	// a restarted app cannot know what the objects hold: it writes them again
	if err := New(c, Options{}).Apply(ctx, ext("109", false)); err != nil {
		t.Fatal(err)
	}
	if f.count("UPDATE endpoint/") != 0 || f.count("PUT endpoint/109") != 2 {
		t.Errorf("log %v", f.log)
	}
}
