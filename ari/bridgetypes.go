package ari

// Bridge types for BridgeCreateParams.Type and BridgeCreateWithIDParams.Type
// (a comma-separated list). Asterisk reads the list in order: "mixing" turns
// native bridging on and "dtmf_events"/"proxy_media" turn it off, so only
// "mixing,dtmf_events" keeps the media in the bridge, where DTMF events, mute
// and recording work; with two PJSIP legs a plain "mixing" bridge relays RTP
// natively and ignores mute and DTMF (traces paging_one_way,
// call_dtmf_mixing).
const (
	// BridgeMixing mixes audio (native bridging allowed).
	BridgeMixing = "mixing"
	// BridgeHolding is a holding bridge (parking, queues): one-way media.
	BridgeHolding = "holding"
	// BridgeDTMFEvents disables native bridging so DTMF events are raised.
	BridgeDTMFEvents = "dtmf_events"
	// BridgeProxyMedia disables native bridging.
	BridgeProxyMedia = "proxy_media"
	// BridgeVideoSFU forwards each participant's video.
	BridgeVideoSFU = "video_sfu"
	// BridgeVideoSingle shows one video source to everyone.
	BridgeVideoSingle = "video_single"
	// BridgeMixingDTMF is the type calls need: mixing with the media kept in
	// the bridge (DTMF events, mute, absorbDTMF work). The order matters.
	BridgeMixingDTMF = BridgeMixing + "," + BridgeDTMFEvents
)
