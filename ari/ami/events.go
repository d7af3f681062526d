package ami

import (
	"net"
	"strconv"
	"strings"
)

// Event is a typed AMI event delivered to the subscriber.
type Event interface {
	// EventName is AMI's "Event" header, e.g. "InvalidPassword".
	EventName() string
}

// Connected is delivered after every successful login, the first and each
// reconnect: AMI keeps no events for a client that was away, so a consumer
// resynchronises (e.g. PJSIPShowContacts) on it.
type Connected struct {
	// Banner is Asterisk's greeting, e.g. "Asterisk Call Manager/9.0.0".
	Banner string
}

// EventName reports "Connected" (not an AMI event name; the client's own).
func (Connected) EventName() string { return "Connected" }

// SecurityEvent is one of Asterisk's security events that point at someone
// guessing: InvalidAccountID, InvalidPassword, ChallengeResponseFailed,
// FailedACL.
type SecurityEvent struct {
	// Name is the event name.
	Name string
	// AccountID is the account (endpoint/user) tried.
	AccountID string
	// Service is the service, e.g. "PJSIP" or "AMI".
	Service string
	// RemoteAddress is Asterisk's form, e.g. "IPV4/UDP/203.0.113.5/5060".
	RemoteAddress string
	// Source is the remote IP address alone ("203.0.113.5").
	Source string
	// Severity is "Error" or "Informational".
	Severity string
	// Fields holds every header of the event.
	Fields map[string]string
}

// EventName reports Name.
func (e SecurityEvent) EventName() string { return e.Name }

// ContactStatus reports a change of a PJSIP contact (a registered phone).
type ContactStatus struct {
	// URI is the contact's SIP URI.
	URI string
	// AOR is the address of record, e.g. "201".
	AOR string
	// EndpointName is the endpoint, e.g. "201" or "201-web".
	EndpointName string
	// Status is Created, Removed, Reachable, Unreachable, Updated, ...
	Status string
	// RoundtripUsec is the qualify round trip, when known.
	RoundtripUsec string
	// Fields holds every header of the event.
	Fields map[string]string
}

// EventName reports "ContactStatus".
func (ContactStatus) EventName() string { return "ContactStatus" }

// FaxEvent is one of res_fax's events: FAXStatus (progress), ReceiveFAX and
// SendFAX (the result of a finished fax).
type FaxEvent struct {
	// Name is the event name.
	Name string
	// Channel and UniqueID name the channel that faxed.
	Channel, UniqueID string
	// Status is FAXStatus's status text (empty for results).
	Status string
	// LocalStationID and RemoteStationID are the T.30 station ids.
	LocalStationID, RemoteStationID string
	// Pages is PagesTransferred (0 when absent).
	Pages int
	// FileName is the TIFF sent or received.
	FileName string
	// Fields holds every header of the event.
	Fields map[string]string
}

// EventName reports Name.
func (e FaxEvent) EventName() string { return e.Name }

// securityEvents are the event names counted per source address.
var securityEvents = map[string]bool{
	"InvalidAccountID": true, "InvalidPassword": true, "ChallengeResponseFailed": true, "FailedACL": true,
}

var faxEvents = map[string]bool{"FAXStatus": true, "ReceiveFAX": true, "SendFAX": true}

// typed turns a raw AMI message into a typed event, or nil if it is not one
// we deliver.
func typed(m map[string]string) Event {
	name := m["Event"]
	switch {
	case securityEvents[name]:
		return SecurityEvent{Name: name, AccountID: m["AccountID"], Service: m["Service"],
			RemoteAddress: m["RemoteAddress"], Source: sourceIP(m["RemoteAddress"]), Severity: m["Severity"], Fields: m}
	case name == "ContactStatus":
		return ContactStatus{URI: m["URI"], AOR: m["AOR"], EndpointName: m["EndpointName"],
			Status: m["ContactStatus"], RoundtripUsec: m["RoundtripUsec"], Fields: m}
	case faxEvents[name]:
		pages, _ := strconv.Atoi(m["PagesTransferred"])
		return FaxEvent{Name: name, Channel: m["Channel"], UniqueID: m["Uniqueid"], Status: m["Status"],
			LocalStationID: m["LocalStationID"], RemoteStationID: m["RemoteStationID"], Pages: pages,
			FileName: m["FileName"], Fields: m}
	}
	return nil
}

// sourceIP extracts the IP from "IPV4/UDP/203.0.113.5/5060" (or an IPv6
// equivalent); it returns the input when it has another shape.
func sourceIP(remote string) string {
	parts := strings.Split(remote, "/")
	if len(parts) >= 3 {
		if ip := net.ParseIP(parts[2]); ip != nil {
			return ip.String()
		}
	}
	return remote
}
