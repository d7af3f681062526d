package ari

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Event is any message Asterisk sends on the event WebSocket.
type Event interface {
	// EventType is the "type" field, e.g. "StasisStart".
	EventType() string
	// Base gives the fields every event shares, including its raw JSON.
	Base() *EventBase
	// ChannelIDs lists the channels the event concerns (channel, peer,
	// caller, replace_channel, transfer legs, a playback's or recording's
	// target, ...), in a fixed order, possibly with duplicates.
	ChannelIDs() []string
	// BridgeIDs lists the bridges the event concerns.
	BridgeIDs() []string
}

// EventBase holds the fields every event shares (the description's Message
// and Event models) and the event's raw JSON.
type EventBase struct {
	// Type indicates the type of this message.
	Type string `json:"type"`
	// AsteriskID identifies the Asterisk instance that raised the event.
	AsteriskID string `json:"asterisk_id,omitempty"`
	// Application is the Stasis application the event is for.
	Application string `json:"application,omitempty"`
	// Timestamp is when the event was created.
	Timestamp DateTime `json:"timestamp,omitempty"`
	// Raw is the event exactly as received; DecodeEvent sets it, so fields
	// this version does not model are never lost.
	Raw json.RawMessage `json:"-"`
}

// EventType reports the event's type.
func (b *EventBase) EventType() string { return b.Type }

// Base returns b itself.
func (b *EventBase) Base() *EventBase { return b }

// UnknownEvent is an event whose type the description does not know. It is
// delivered like any other event, with its raw JSON in Raw.
type UnknownEvent struct {
	EventBase
}

// ChannelIDs returns nil: an unknown event names no channel we can trust.
func (e *UnknownEvent) ChannelIDs() []string { return nil }

// BridgeIDs returns nil.
func (e *UnknownEvent) BridgeIDs() []string { return nil }

// MarshalJSON writes the raw event back.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) {
	if e.Raw != nil {
		return e.Raw, nil
	}
	return json.Marshal(&e.EventBase)
}

// DecodeEvent decodes one WebSocket message into its typed event. An unknown
// type yields an *UnknownEvent, never an error. A known type whose fields do
// not decode yields an *UnknownEvent with the raw JSON together with an
// ErrBadEvent error; only a message without a type yields no event. The event
// keeps data (in Base().Raw), so the caller must not reuse the slice.
func DecodeEvent(data []byte) (Event, error) {
	typ, err := peekType(data)
	if err != nil {
		return nil, err
	}
	ev, err := decodeKnown(typ, data)
	if err != nil {
		// Keep the event rather than lose it: a field Asterisk changed must
		// not make a whole event type disappear.
		u := &UnknownEvent{EventBase: EventBase{Type: typ, Raw: data}}
		_ = json.Unmarshal(data, &u.EventBase)
		u.Raw = data
		return u, fmt.Errorf("%w: %s: %w", ErrBadEvent, typ, err)
	}
	if ev == nil {
		u := &UnknownEvent{}
		if err := json.Unmarshal(data, &u.EventBase); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadEvent, err)
		}
		ev = u
	}
	ev.Base().Raw = data
	return ev, nil
}

// peekType finds the top-level "type" member without decoding the rest.
// Asterisk writes "type" first; the slow path handles any order.
func peekType(data []byte) (string, error) {
	d := bytes.TrimLeft(data, " \t\r\n")
	const prefix = `{"type":"`
	if bytes.HasPrefix(d, []byte(prefix)) {
		rest := d[len(prefix):]
		if end := bytes.IndexByte(rest, '"'); end >= 0 && !bytes.ContainsRune(rest[:end], '\\') {
			return string(rest[:end]), nil
		}
	}
	var head struct {
		Type *string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadEvent, err)
	}
	if head.Type == nil {
		return "", fmt.Errorf("%w: no type", ErrBadEvent)
	}
	return *head.Type, nil
}

func appendChannel(ids []string, ch *Channel) []string {
	if ch != nil && ch.ID != "" {
		ids = append(ids, ch.ID)
	}
	return ids
}

func appendBridge(ids []string, br *Bridge) []string {
	if br != nil && br.ID != "" {
		ids = append(ids, br.ID)
	}
	return ids
}

func appendID(ids []string, id string) []string {
	if id != "" {
		ids = append(ids, id)
	}
	return ids
}

// appendTarget adds the id of a target URI such as "channel:abc" when it
// has the given prefix.
func appendTarget(ids []string, uri, prefix string) []string {
	if id, ok := strings.CutPrefix(uri, prefix); ok && id != "" {
		ids = append(ids, id)
	}
	return ids
}
