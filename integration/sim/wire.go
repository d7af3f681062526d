package sim

// The JSON shapes the simulator puts on the wire. They follow Asterisk 22's
// ARI description (../shared/asterisk-ari-22) and the recorded traces field
// for field. They are the only place that knows the wire format, so that a
// switch to the ari package's generated models stays local to this file.

type callerIDJSON struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

type dialplanJSON struct {
	Context  string `json:"context"`
	Exten    string `json:"exten"`
	Priority int    `json:"priority"`
	AppName  string `json:"app_name"`
	AppData  string `json:"app_data"`
}

type channelJSON struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	State        string            `json:"state"`
	ProtocolID   string            `json:"protocol_id"`
	Caller       callerIDJSON      `json:"caller"`
	Connected    callerIDJSON      `json:"connected"`
	Accountcode  string            `json:"accountcode"`
	Dialplan     dialplanJSON      `json:"dialplan"`
	CreationTime string            `json:"creationtime"`
	Language     string            `json:"language"`
	ChannelVars  map[string]string `json:"channelvars,omitempty"`
}

type bridgeJSON struct {
	ID           string   `json:"id"`
	Technology   string   `json:"technology"`
	BridgeType   string   `json:"bridge_type"`
	BridgeClass  string   `json:"bridge_class"`
	Creator      string   `json:"creator"`
	Name         string   `json:"name"`
	Channels     []string `json:"channels"`
	CreationTime string   `json:"creationtime"`
	VideoMode    string   `json:"video_mode"`
}

type playbackJSON struct {
	ID           string `json:"id"`
	MediaURI     string `json:"media_uri"`
	NextMediaURI string `json:"next_media_uri,omitempty"`
	TargetURI    string `json:"target_uri"`
	Language     string `json:"language"`
	State        string `json:"state"`
}

type liveRecordingJSON struct {
	Name            string `json:"name"`
	Format          string `json:"format"`
	State           string `json:"state"`
	TargetURI       string `json:"target_uri"`
	Duration        *int   `json:"duration,omitempty"`
	TalkingDuration *int   `json:"talking_duration,omitempty"`
	SilenceDuration *int   `json:"silence_duration,omitempty"`
	Cause           string `json:"cause,omitempty"`
}

type storedRecordingJSON struct {
	Name   string `json:"name"`
	Format string `json:"format"`
}

type endpointJSON struct {
	Technology string   `json:"technology"`
	Resource   string   `json:"resource"`
	State      string   `json:"state"`
	ChannelIDs []string `json:"channel_ids"`
}

type deviceStateJSON struct {
	Name  string `json:"name"`
	State string `json:"state"`
}

type mailboxJSON struct {
	Name        string `json:"name"`
	OldMessages int    `json:"old_messages"`
	NewMessages int    `json:"new_messages"`
}

type applicationJSON struct {
	Name             string           `json:"name"`
	ChannelIDs       []string         `json:"channel_ids"`
	BridgeIDs        []string         `json:"bridge_ids"`
	EndpointIDs      []string         `json:"endpoint_ids"`
	DeviceNames      []string         `json:"device_names"`
	EventsAllowed    []map[string]any `json:"events_allowed"`
	EventsDisallowed []map[string]any `json:"events_disallowed"`
}

type configFieldJSON struct {
	Attribute string `json:"attribute"`
	Value     string `json:"value"`
}

type errorJSON struct {
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}
