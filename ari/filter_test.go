package ari

import (
	"slices"
	"testing"
)

func TestCallAppFilterNamesOnlyKnownTypesAndKeepsTheCallEvents(t *testing.T) {
	seen := map[string]bool{}
	for _, typ := range CallAppDisallowed {
		if !slices.Contains(EventTypes, typ) {
			t.Errorf("%q is not an event type of Asterisk 22's description", typ)
		}
		if seen[typ] {
			t.Errorf("%q is listed twice", typ)
		}
		seen[typ] = true
	}
	// The call core and the features live on these; subscriptions ask for
	// the endpoint and device state types.
	for _, typ := range []string{"StasisStart", "StasisEnd", "ChannelStateChange", "ChannelHangupRequest",
		"ChannelDestroyed", "ChannelDtmfReceived", "PlaybackFinished", "RecordingFinished", "RecordingFailed",
		"ApplicationReplaced", "EndpointStateChange", "DeviceStateChanged", "ContactStatusChange", "PeerStatusChange"} {
		if seen[typ] {
			t.Errorf("%q is filtered out but consumed or subscribed to", typ)
		}
	}
}

func TestDisallowTypesBuildsOneRulePerType(t *testing.T) {
	f := DisallowTypes("Dial", "ChannelVarset")
	if len(f.Allowed) != 0 || len(f.Disallowed) != 2 || f.Disallowed[0].Type != "Dial" || f.Disallowed[1].Type != "ChannelVarset" {
		t.Fatalf("filter %+v", f)
	}
}
