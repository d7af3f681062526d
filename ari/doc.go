// Package ari is Switchboard's client for Asterisk 22's REST Interface.
//
// # Models, events and calls
//
// The models (Channel, Bridge, Playback, ...), the events (StasisStart,
// ChannelDtmfReceived, ... every type of events.json) and the REST calls are
// generated from Asterisk's own description (the shared asterisk-ari-22/*.json)
// into *_gen.go; regenerate with `go generate ./ari`. Calls are grouped by
// resource and take ctx first:
//
//	c := ari.New(ari.Options{BaseURL: "http://127.0.0.1:8088/ari", Username: u, Password: p})
//	ch, err := c.Channels().Create(ctx, ari.ChannelCreateParams{Endpoint: "PJSIP/202", App: "switchboard", ChannelID: id})
//	err = c.Bridges().AddChannel(ctx, bridgeID, ari.BridgeAddChannelParams{Channel: []string{id}, AbsorbDTMF: true})
//
// Path parameters are arguments; the others are fields of a Params struct,
// placed in the query or the JSON body as the description says. Zero values
// of optional parameters are not sent.
//
// # Errors
//
// A non-2xx answer is an *Error carrying the status and Asterisk's message.
// errors.Is matches ErrNotFound (404), ErrConflict (409), ErrInvalid (400,
// 422), ErrForbidden (403), ErrUnauthorized (401), ErrUnavailable (500
// "Allocation failed": the endpoint is not registered) and ErrServer (5xx).
// After a hang-up, 404 and 409 are normal races.
//
// # Events
//
// DecodeEvent turns a WebSocket message into its typed event; an unknown type
// becomes an *UnknownEvent with its raw JSON, and every event keeps its raw
// JSON in Base().Raw. Each event names the channels and bridges it concerns
// (ChannelIDs, BridgeIDs: channel, peer, caller, replace_channel, transfer
// legs, a playback's or recording's target).
//
// Stream connects /events?app=switchboard. On every connect it first sets the
// application's event filter (DefaultDisallowed) and the extra subscriptions,
// then queues a *StreamConnected (Reconnected=true after an outage, when the
// consumer must rebuild its state from GET /applications/switchboard,
// /channels and /bridges: Asterisk replays nothing). One goroutine reads the
// socket into a bounded queue; if the consumer falls that far behind, the
// stream drops the connection on purpose and reconnects, so nothing is lost
// silently. Reconnection uses jittered exponential backoff on the injected
// clock.
//
// Router hands each event to the Owner (usually a call) that claimed its
// channels or bridges, in arrival order, through a bounded queue per owner;
// unclaimed events go to RouterOptions.Default. An owner whose queue is full
// is failed: logged, counted in Metrics, its context cancelled with
// ErrOwnerOverflow.
package ari

//go:generate go run ./internal/gen -out .
