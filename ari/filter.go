package ari

// EventFilter is the body of PUT /applications/{app}/eventFilter: which
// event types the application gets. With Allowed empty everything not
// disallowed is delivered.
type EventFilter struct {
	// Allowed, when non-empty, lists the only event types delivered.
	Allowed []EventFilterRule `json:"allowed,omitempty"`
	// Disallowed lists event types never delivered.
	Disallowed []EventFilterRule `json:"disallowed,omitempty"`
}

// EventFilterRule names one event type in an EventFilter.
type EventFilterRule struct {
	// Type is the event type, e.g. "ChannelVarset".
	Type string `json:"type"`
}

// DisallowTypes builds a filter that blocks exactly the given event types.
func DisallowTypes(types ...string) *EventFilter {
	f := &EventFilter{Disallowed: make([]EventFilterRule, 0, len(types))}
	for _, t := range types {
		f.Disallowed = append(f.Disallowed, EventFilterRule{Type: t})
	}
	return f
}

// CallAppDisallowed is the event filter of the Switchboard application (pbx
// sets it): every type Asterisk sends for the channels and bridges of an app
// that the call core and the features do not consume. They live on the
// calls' StasisStart, StasisEnd, ChannelStateChange, ChannelHangupRequest,
// ChannelDestroyed, ChannelDtmfReceived, PlaybackFinished, RecordingFinished
// and RecordingFailed, and on ApplicationReplaced; types that come only with
// an explicit subscription (endpoint, deviceState, ...) stay allowed:
// subscribing asks for them. Each event Asterisk does not send saves it a
// JSON encoding and a write, and the app a read and a decoding; at 70
// calls/s the unfiltered events (ChannelVarset above all, then Dial,
// ChannelConnectedLine, bridge enter/leave) cost more than the calls
// themselves (research/ari-performance.md). A feature that needs one of
// these types must take it out of this list; pbx's
// TestEventFilterKeepsEveryEventTypeTheAppHandles fails until it does.
var CallAppDisallowed = []string{
	"ChannelVarset", "ChannelDialplan", "ChannelConnectedLine", "ChannelCallerId",
	"ChannelCreated", "Dial", "ChannelEnteredBridge", "ChannelLeftBridge",
	"BridgeCreated", "BridgeDestroyed", "BridgeMerged", "BridgeVideoSourceChanged",
	"BridgeBlindTransfer", "BridgeAttendedTransfer", "ChannelTransfer",
	"ChannelHold", "ChannelUnhold", "ChannelTalkingStarted", "ChannelTalkingFinished",
	"ChannelToneDetected", "ChannelUserevent",
	"PlaybackStarted", "PlaybackContinuing", "RecordingStarted",
	"ApplicationMoveFailed", "ApplicationRegistered", "ApplicationUnregistered",
	"CallBroadcast", "CallClaimed",
}
