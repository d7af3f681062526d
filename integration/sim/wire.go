package sim

import "github.com/switchboard-pbx/switchboard/ari"

// The JSON the simulator puts on the wire is the ari package's models,
// generated from Asterisk 22's description, so client and simulator cannot
// drift apart.

type (
	callerIDJSON        = ari.CallerID
	dialplanJSON        = ari.DialplanCEP
	channelJSON         = ari.Channel
	bridgeJSON          = ari.Bridge
	playbackJSON        = ari.Playback
	liveRecordingJSON   = ari.LiveRecording
	storedRecordingJSON = ari.StoredRecording
	endpointJSON        = ari.Endpoint
	deviceStateJSON     = ari.DeviceState
	mailboxJSON         = ari.Mailbox
	applicationJSON     = ari.Application
	configField         = ari.ConfigTuple
)

// errorJSON is the body of ARI's error responses ({"message": …}, or
// {"error": …} for allocation failures); the description has no model for it.
type errorJSON struct {
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}
