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
