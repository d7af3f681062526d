package asteriskconf

// Module is one Asterisk module that modules.conf loads.
type Module struct {
	// Name is the module's file name, e.g. "res_ari.so".
	Name string
	// Require makes Asterisk refuse to start without it (modules.conf require).
	Require bool
	// Purpose says why Switchboard needs it.
	Purpose string
}

// baseModules are loaded on every installation, in modules.conf order.
var baseModules = []Module{
	// Dialplan and the Stasis entry point.
	{"pbx_config.so", true, "extensions.conf: from-phones/from-browser/from-trunk, hints, fax contexts"},
	{"app_stasis.so", true, "Stasis() hands every call to the app"},
	{"app_playback.so", false, "Playback(ss-noservice) when the app is down"},
	{"app_stack.so", false, "hangup handlers (Gosub/Return) for fax results"},
	{"app_userevent.so", false, "UserEvent(FaxResult) back to the app"},
	{"func_channel.so", false, "CHANNEL(hangup_handler_push), CHANNEL(pjsip,...)"},
	{"func_callerid.so", false, "CALLERID/CONNECTEDLINE set by the app"},
	{"func_timeout.so", false, "TIMEOUT(absolute) guard on fax calls"},
	{"func_hangupcause.so", false, "HANGUPCAUSE for call records"},

	// ARI over HTTP.
	{"res_http_websocket.so", true, "ARI event WebSocket and SIP over WebSocket"},
	{"res_websocket_client.so", false, "required by res_ari in Asterisk 22"},
	{"res_stasis.so", true, "Stasis core"},
	{"res_stasis_answer.so", true, "answering channels in Stasis"},
	{"res_stasis_playback.so", true, "ARI playbacks"},
	{"res_stasis_recording.so", true, "ARI recordings (voicemail, call recording)"},
	{"res_stasis_snoop.so", true, "ARI snoop (spy, whisper, barge)"},
	{"res_stasis_device_state.so", true, "Stasis:* device states (parking and DND lamps)"},
	{"res_ari.so", true, "the REST interface"},
	{"res_ari_model.so", true, "ARI request/response validation"},
	{"res_ari_applications.so", true, "/applications (subscriptions, event filter)"},
	{"res_ari_asterisk.so", true, "/asterisk (info, dynamic configuration of endpoints)"},
	{"res_ari_bridges.so", true, "/bridges"},
	{"res_ari_channels.so", true, "/channels"},
	{"res_ari_device_states.so", true, "/deviceStates"},
	{"res_ari_endpoints.so", true, "/endpoints"},
	{"res_ari_events.so", true, "/events WebSocket and user events"},
	{"res_ari_playbacks.so", true, "/playbacks"},
	{"res_ari_recordings.so", true, "/recordings"},
	{"res_ari_sounds.so", false, "/sounds"},

	// Bridges, channels, media.
	{"bridge_simple.so", true, "two-party bridges (passes T.38 and fax modem audio)"},
	{"bridge_softmix.so", true, "conferences, paging, spy, mixing,dtmf_events"},
	{"bridge_native_rtp.so", false, "native RTP between two legs of a plain mixing bridge"},
	{"bridge_holding.so", true, "holding bridges (parking, queues)"},
	{"chan_bridge_media.so", true, "announcer/recorder channels for bridge playback and record"},
	{"res_rtp_asterisk.so", true, "RTP, ICE, DTLS for WebRTC"},
	{"res_srtp.so", false, "SRTP for WebRTC (needs libsrtp2 at build time)"},
	{"res_musiconhold.so", true, "music on hold"},
	{"res_timing_timerfd.so", true, "timing source for mixing and playback"},
	{"codec_ulaw.so", true, "G.711 u-law"},
	{"codec_alaw.so", true, "G.711 a-law"},
	{"codec_a_mu.so", false, "direct a-law/u-law translation"},
	{"codec_g722.so", false, "G.722 wideband phones"},
	{"codec_gsm.so", false, "GSM prompts"},
	{"codec_resample.so", true, "8/16 kHz resampling"},
	{"format_wav.so", true, "wav and wav16 prompts and recordings"},
	{"format_pcm.so", false, "ulaw/alaw/g722 raw prompts"},
	{"format_gsm.so", false, "gsm prompts"},
	{"format_sln.so", false, "slin prompts"},

	// PJSIP.
	{"res_pjproject.so", true, "pjproject glue"},
	{"res_sorcery_config.so", true, "pjsip.conf objects"},
	{"res_sorcery_memory.so", true, "endpoints, AORs and auths the app provisions through ARI"},
	{"res_sorcery_astdb.so", true, "registered contacts survive a restart"},
	{"res_pjsip.so", true, "SIP stack"},
	{"res_pjsip_session.so", true, "SIP calls"},
	{"chan_pjsip.so", true, "the PJSIP channel driver (PJSIP_DIAL_CONTACTS)"},
	{"res_pjsip_authenticator_digest.so", true, "digest auth of phones"},
	{"res_pjsip_outbound_authenticator_digest.so", false, "digest auth towards trunks"},
	{"res_pjsip_endpoint_identifier_user.so", true, "identify phones by user name"},
	{"res_pjsip_endpoint_identifier_ip.so", false, "identify trunks by address"},
	{"res_pjsip_registrar.so", true, "phones register"},
	{"res_pjsip_outbound_registration.so", false, "registration to trunks"},
	{"res_pjsip_sdp_rtp.so", true, "SDP/RTP media"},
	{"res_pjsip_nat.so", false, "NAT: rport, contact rewriting, external addresses"},
	{"res_pjsip_transport_websocket.so", false, "SIP over WSS for browsers"},
	{"res_pjsip_refer.so", false, "transfers by SIP REFER (Asterisk's default handling)"},
	{"res_pjsip_caller_id.so", false, "P-Asserted-Identity / Remote-Party-ID"},
	{"res_pjsip_dtmf_info.so", false, "SIP INFO DTMF (browsers)"},
	{"res_pjsip_header_funcs.so", false, "PJSIP_HEADER for auto-answer paging"},
	{"res_pjsip_rfc3326.so", false, "Reason header to hangup cause"},
	{"res_pjsip_diversion.so", false, "Diversion/History-Info on forwards"},
	{"res_pjsip_acl.so", false, "SIP ACLs"},
	{"res_pjsip_logger.so", false, "pjsip set logger (diagnostics)"},
	{"res_pjsip_messaging.so", false, "SIP MESSAGE (park slot announcements)"},
	{"res_pjsip_dlg_options.so", false, "in-dialog OPTIONS keepalives"},
	{"res_pjsip_empty_info.so", false, "answers empty INFO keepalives"},
	{"res_pjsip_pubsub.so", false, "SUBSCRIBE/NOTIFY"},
	{"res_pjsip_outbound_publish.so", false, "required by res_pjsip_exten_state"},
	{"res_pjsip_exten_state.so", false, "BLF from hints"},
	{"res_pjsip_dialog_info_body_generator.so", false, "BLF dialog-info bodies"},
	{"res_pjsip_pidf_body_generator.so", false, "BLF presence bodies"},
	{"res_pjsip_xpidf_body_generator.so", false, "BLF xpidf bodies (older phones)"},
	{"res_pjsip_mwi.so", false, "MWI NOTIFY to phones"},
	{"res_pjsip_mwi_body_generator.so", false, "MWI bodies"},

	// Logging.
	{"res_security_log.so", false, "security events to security.log"},
}

// mailboxModules give /ari/mailboxes and MWI from the app; a default build lacks them.
var mailboxModules = []Module{
	{"res_mwi_external.so", true, "external MWI store (needs menuselect, not built by default)"},
	{"res_stasis_mailbox.so", true, "Stasis mailboxes"},
	{"res_ari_mailboxes.so", true, "/ari/mailboxes"},
}

// faxModules give SendFAX/ReceiveFAX and T.38.
var faxModules = []Module{
	{"res_fax.so", true, "SendFAX/ReceiveFAX, FAXOPT"},
	{"res_fax_spandsp.so", true, "G.711 and T.38 fax (needs spandsp at build time)"},
	{"res_pjsip_t38.so", true, "T.38 re-INVITEs"},
}

// opusModules give Opus; codec_opus is a separate binary download.
var opusModules = []Module{
	{"res_format_attr_opus.so", false, "Opus SDP attributes"},
	{"codec_opus.so", true, "Opus transcoding (binary download)"},
}

// Modules lists every module modules.conf loads for p, in load order; a
// health check or the harness verifies them with `module show like`.
func (p Params) Modules() []Module {
	out := append([]Module(nil), baseModules...)
	if p.Mailboxes {
		out = append(out, mailboxModules...)
	}
	if p.Fax {
		out = append(out, faxModules...)
	}
	if p.Opus {
		out = append(out, opusModules...)
	}
	return out
}

// RequiredModules are the names of the modules without which Asterisk
// refuses to start with these files.
func (p Params) RequiredModules() []string {
	var names []string
	for _, m := range p.Modules() {
		if m.Require {
			names = append(names, m.Name)
		}
	}
	return names
}
