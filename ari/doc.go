// Package ari is Switchboard's client for Asterisk 22's REST Interface: typed
// models and events generated from Asterisk's own description, the REST calls
// (one handle per resource, e.g. c.Channels().Originate), typed errors, and
// the event WebSocket with a router that hands each event to the call that
// owns its channels.
//
// The generated files (*_gen.go) come from the shared asterisk-ari-22/*.json;
// regenerate them with `go generate ./ari`.
package ari

//go:generate go run ./internal/gen -out .
