package ami

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Endpoint is one row of PJSIPShowEndpoints.
type Endpoint struct {
	// Name is the endpoint ("201", "201-web").
	Name string
	// Transport, AORs and Auths are the configured objects.
	Transport, AORs, Auths string
	// DeviceState is e.g. "Not in use", "Unavailable".
	DeviceState string
	// ActiveChannels lists the endpoint's channels.
	ActiveChannels string
	// Fields holds every header of the row.
	Fields map[string]string
}

// Contact is one row of PJSIPShowContacts: a registered device.
type Contact struct {
	// Name is the contact object, e.g. "201;@6e1f...".
	Name string
	// AOR and Endpoint name the address of record and its endpoint.
	AOR, Endpoint string
	// URI is the contact URI.
	URI string
	// Status is e.g. "Reachable", "Unknown".
	Status string
	// RoundtripUsec is the last qualify round trip.
	RoundtripUsec int
	// ViaAddr is the source address of the registration.
	ViaAddr string
	// Fields holds every header of the row.
	Fields map[string]string
}

// list collects the events of a list action up to its Complete event.
type list struct {
	complete string
	mu       sync.Mutex
	rows     []map[string]string
	done     chan struct{}
}

func (l *list) add(m map[string]string) {
	if m["Event"] == "" {
		return // the action's own response
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.done:
		return
	default:
	}
	if m["Event"] == l.complete {
		close(l.done)
		return
	}
	l.rows = append(l.rows, m)
}

// listAction runs an action that answers with rows and a final event.
func (c *Client) listAction(ctx context.Context, action, complete string) ([]map[string]string, error) {
	id := c.nextID()
	l := &list{complete: complete, done: make(chan struct{})}
	c.mu.Lock()
	c.lists[id] = l
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.lists, id)
		c.mu.Unlock()
	}()
	if _, err := c.action(ctx, map[string]string{"Action": action, "ActionID": id}); err != nil {
		// Asterisk 22 answers an empty list with an error response
		// ("No endpoints found", "No Contacts found") and no events.
		if errors.Is(err, ErrActionFailed) && strings.Contains(strings.ToLower(err.Error()), "found") &&
			strings.Contains(strings.ToLower(err.Error()), "no ") {
			return nil, nil
		}
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.ActionTimeout)
	defer cancel()
	select {
	case <-l.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("ami: %s: waiting for %s: %w", action, complete, ErrTimeout)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rows, nil
}

// PJSIPShowEndpoints lists the PJSIP endpoints.
func (c *Client) PJSIPShowEndpoints(ctx context.Context) ([]Endpoint, error) {
	rows, err := c.listAction(ctx, "PJSIPShowEndpoints", "EndpointListComplete")
	if err != nil {
		return nil, err
	}
	out := make([]Endpoint, 0, len(rows))
	for _, m := range rows {
		if m["Event"] != "EndpointList" {
			continue
		}
		out = append(out, Endpoint{Name: m["ObjectName"], Transport: m["Transport"], AORs: m["Aor"],
			Auths: m["Auths"], DeviceState: m["DeviceState"], ActiveChannels: m["ActiveChannels"], Fields: m})
	}
	return out, nil
}

// PJSIPShowContacts lists the registered contacts.
func (c *Client) PJSIPShowContacts(ctx context.Context) ([]Contact, error) {
	rows, err := c.listAction(ctx, "PJSIPShowContacts", "ContactListComplete")
	if err != nil {
		return nil, err
	}
	out := make([]Contact, 0, len(rows))
	for _, m := range rows {
		if m["Event"] != "ContactList" {
			continue
		}
		rt, _ := strconv.Atoi(m["RoundtripUsec"])
		out = append(out, Contact{Name: m["ObjectName"], AOR: m["Aor"], Endpoint: m["Endpoint"], URI: m["Uri"],
			Status: m["Status"], RoundtripUsec: rt, ViaAddr: m["ViaAddr"], Fields: m})
	}
	return out, nil
}
