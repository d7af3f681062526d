package provision

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/switchboard-pbx/switchboard/ari"
)

// Object types of res_pjsip's sorcery that an extension becomes.
const (
	TypeEndpoint = "endpoint"
	TypeAOR      = "aor"
	TypeAuth     = "auth"
)

// Contexts the endpoints enter (asterisk-conf's extensions.conf).
const (
	ContextPhones  = "from-phones"
	ContextBrowser = "from-browser"
	ContextHints   = "hints"
)

// BrowserSuffix turns an extension number into its WebRTC endpoint id.
const BrowserSuffix = "-web"

// object is one sorcery object to PUT, with every attribute we manage.
type object struct {
	typ, id string
	fields  []ari.ConfigTuple
}

type fields []ari.ConfigTuple

func (f *fields) add(attr, value string) {
	*f = append(*f, ari.ConfigTuple{Attribute: attr, Value: value})
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// callerID renders `"Name" <number>` with a name that cannot break the quoting.
func callerID(name, number string) string {
	clean := strings.Map(func(r rune) rune {
		if r == '"' || r == '<' || r == '>' || r == '\\' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	clean = strings.TrimSpace(clean)
	if r := []rune(clean); len(r) > 40 {
		clean = string(r[:40])
	}
	if clean == "" {
		return "<" + number + ">"
	}
	return `"` + clean + `" <` + number + `>`
}

// mailbox is the extension's MWI mailbox, "" when MWI is off.
func (p *Provisioner) mailbox(e Extension) string {
	if !p.opts.Mailboxes {
		return ""
	}
	return e.Number + "@" + p.opts.MailboxContext
}

// authAOR are the digest auth and the AOR every endpoint id gets.
func (p *Provisioner) authAOR(id, secret string, maxContacts int, removeExisting bool, mailbox string) (auth, aor fields) {
	auth.add("auth_type", "digest")
	auth.add("username", id)
	auth.add("password", secret)

	aor.add("max_contacts", strconv.Itoa(maxContacts))
	aor.add("remove_existing", yesno(removeExisting))
	aor.add("remove_unavailable", "yes")
	aor.add("qualify_frequency", strconv.Itoa(p.opts.QualifyFrequency))
	aor.add("mailboxes", mailbox)
	return auth, aor
}

// endpointHead starts an endpoint: context, hints, its AOR and auth, the
// extension's caller id (never the endpoint id) and the codecs.
func endpointHead(context, id string, e Extension, codecs []string) fields {
	var ep fields
	ep.add("context", context)
	ep.add("subscribe_context", ContextHints)
	ep.add("aors", id)
	ep.add("auth", id)
	ep.add("callerid", callerID(e.Name, e.Number))
	ep.add("disallow", "all")
	ep.add("allow", strings.Join(codecs, ","))
	return ep
}

// deskObjects are auth, AOR and endpoint <number> for desk phones, in PUT order
// (the endpoint names the other two).
func (p *Provisioner) deskObjects(e Extension) []object {
	id := e.Number
	mailbox := p.mailbox(e)
	// several devices per extension: a further device is refused rather than
	// kicking a working one off; dead contacts are dropped by qualify
	auth, aor := p.authAOR(id, e.SIPSecret, p.opts.MaxContacts, false, mailbox)
	ep := endpointHead(ContextPhones, id, e, p.opts.PhoneCodecs)
	ep.add("direct_media", "no")
	ep.add("rtp_symmetric", "yes")
	ep.add("force_rport", "yes")
	ep.add("rewrite_contact", "yes")
	ep.add("dtmf_mode", "rfc4733")
	ep.add("send_pai", "yes")
	ep.add("trust_id_outbound", "yes")
	ep.add("allow_subscribe", "yes")
	ep.add("allow_transfer", "yes")
	// fax detection would yank the channel out of Stasis (ari-semantics §2.1)
	ep.add("fax_detect", "no")
	ep.add("t38_udptl", yesno(p.opts.Fax))
	if p.opts.Fax {
		ep.add("t38_udptl_ec", "redundancy")
		ep.add("t38_udptl_maxdatagram", "400")
		ep.add("t38_udptl_nat", "yes")
	}
	ep.add("mailboxes", mailbox)

	return []object{{TypeAuth, id, auth}, {TypeAOR, id, aor}, {TypeEndpoint, id, ep}}
}

// browserObjects are auth, AOR and endpoint <number>-web for the browser phone.
func (p *Provisioner) browserObjects(e Extension) []object {
	id := e.Number + BrowserSuffix
	mailbox := p.mailbox(e)
	// a reloaded page registers a new contact; the stale one goes
	auth, aor := p.authAOR(id, e.SIPSecret, p.opts.BrowserMaxContacts, true, mailbox)
	ep := endpointHead(ContextBrowser, id, e, p.opts.BrowserCodecs)
	// webrtc=yes implies: use_avpf, media_encryption=dtls, dtls_verify=fingerprint,
	// dtls_setup=actpass, ice_support, media_use_received_transport, rtcp_mux,
	// bundle; the DTLS certificate is generated when none is configured.
	ep.add("webrtc", "yes")
	ep.add("dtls_auto_generate_cert", "yes")
	ep.add("direct_media", "no")
	// browsers (JsSIP, SIP.js) send INFO by default
	ep.add("dtmf_mode", "auto_info")
	ep.add("send_pai", "yes")
	ep.add("trust_id_outbound", "yes")
	ep.add("allow_subscribe", "yes")
	ep.add("allow_transfer", "yes")
	ep.add("fax_detect", "no")
	ep.add("t38_udptl", "no")
	ep.add("mailboxes", mailbox)

	return []object{{TypeAuth, id, auth}, {TypeAOR, id, aor}, {TypeEndpoint, id, ep}}
}
