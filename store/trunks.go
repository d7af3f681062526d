package store

import (
	"context"
	"fmt"
	"time"
)

// Trunk transports.
const (
	// TransportUDP is SIP over UDP.
	TransportUDP = "udp"
	// TransportTCP is SIP over TCP.
	TransportTCP = "tcp"
	// TransportTLS is SIP over TLS.
	TransportTLS = "tls"
)

// Inbound route destination types (SYS-TRUNK).
const (
	// DestExtension rings an extension.
	DestExtension = "extension"
	// DestQueue enters a queue.
	DestQueue = "queue"
	// DestRingGroup rings a ring group.
	DestRingGroup = "ringgroup"
	// DestConference joins a conference room.
	DestConference = "conference"
	// DestFax receives a fax for the designated fax receivers.
	DestFax = "fax"
	// DestVoicemail goes straight to a mailbox.
	DestVoicemail = "voicemail"
)

// Trunk is a SIP trunk to a provider.
type Trunk struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Name identifies the trunk (also its PJSIP endpoint name).
	Name string `gorm:"size:64;not null;uniqueIndex" json:"name"`
	// Host is the provider's host name or address.
	Host string `gorm:"size:255;not null" json:"host"`
	// Port is the SIP port (0: default for the transport).
	Port int `gorm:"not null" json:"port"`
	// Transport is udp, tcp or tls.
	Transport string `gorm:"size:4;not null" json:"transport"`
	// Username and Password authenticate (registration and INVITEs).
	Username string `gorm:"size:128;not null;default:''" json:"username"`
	// Password is the trunk secret.
	Password string `gorm:"size:128;not null;default:''" json:"-"`
	// Register sends REGISTER to the provider.
	Register bool `gorm:"not null" json:"register"`
	// OutboundCallerID is presented when the extension has none.
	OutboundCallerID string `gorm:"size:32;not null;default:''" json:"outbound_caller_id"`
	// Enabled takes the trunk into use.
	Enabled   bool      `gorm:"not null" json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (t *Trunk) validate() error {
	if t.Transport == "" {
		t.Transport = TransportUDP
	}
	err := firstErr(
		checkText("name", t.Name, 64, true),
		checkText("host", t.Host, 255, true),
		checkRange("port", t.Port, 0, 65535),
		checkOneOf("transport", t.Transport, TransportUDP, TransportTCP, TransportTLS),
		checkText("username", t.Username, 128, false),
		checkText("password", t.Password, 128, false),
		checkOptPhone("outbound_caller_id", t.OutboundCallerID),
	)
	if err == nil {
		for _, c := range t.Name {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return invalid("name", "may contain only letters, digits, - and _")
			}
		}
	}
	return err
}

// InboundRoute sends calls for one DID to a destination.
type InboundRoute struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// DID is the dialled number as the trunk presents it, canonical.
	DID string `gorm:"column:did;size:32;not null;uniqueIndex" json:"did"`
	// TrunkID limits the route to one trunk (nil: any trunk).
	TrunkID *uint64 `gorm:"index" json:"trunk_id,omitempty"`
	Trunk   *Trunk  `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	// DestinationType is extension, queue, ringgroup, conference, fax or voicemail.
	DestinationType string `gorm:"size:12;not null" json:"destination_type"`
	// DestinationValue is the number of the destination (empty for fax).
	DestinationValue string    `gorm:"size:32;not null;default:''" json:"destination_value"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func (r *InboundRoute) validate() error {
	err := firstErr(checkPhone("did", r.DID),
		checkOneOf("destination_type", r.DestinationType, DestExtension, DestQueue, DestRingGroup, DestConference, DestFax, DestVoicemail))
	if err == nil && r.DestinationType != DestFax {
		err = checkExtNumber("destination_value", r.DestinationValue)
	}
	return err
}

// TrunkRepo stores trunks and inbound routes.
type TrunkRepo struct{ s *Store }

// Create adds a trunk.
func (r *TrunkRepo) Create(ctx context.Context, t *Trunk) error {
	if t == nil {
		return missing("Trunk")
	}
	if err := t.validate(); err != nil {
		return fmt.Errorf("store: create trunk: %w", err)
	}
	return insert(r.s.ctxDB(ctx), "create trunk "+t.Name, t)
}

// Get loads a trunk by name.
func (r *TrunkRepo) Get(ctx context.Context, name string) (*Trunk, error) {
	return findOne[Trunk](r.s.ctxDB(ctx), "get trunk "+name, "name = ?", name)
}

// List returns all trunks by name.
func (r *TrunkRepo) List(ctx context.Context) ([]Trunk, error) {
	var out []Trunk
	return out, wrap("list trunks", r.s.ctxDB(ctx).Order("name").Find(&out).Error)
}

// Update writes a trunk (found by ID).
func (r *TrunkRepo) Update(ctx context.Context, t *Trunk) error {
	if t == nil {
		return missing("Trunk")
	}
	if err := t.validate(); err != nil {
		return fmt.Errorf("store: update trunk: %w", err)
	}
	return updateRow(r.s.ctxDB(ctx), "update trunk", t, t.ID)
}

// Delete removes a trunk and the routes bound to it.
func (r *TrunkRepo) Delete(ctx context.Context, name string) error {
	return deleteWhere[Trunk](r.s.ctxDB(ctx), "delete trunk "+name, "name = ?", name)
}

// CreateRoute adds an inbound route; ErrDuplicate when the DID is routed.
func (r *TrunkRepo) CreateRoute(ctx context.Context, rt *InboundRoute) error {
	if rt == nil {
		return missing("InboundRoute")
	}
	if err := rt.validate(); err != nil {
		return fmt.Errorf("store: create inbound route: %w", err)
	}
	return insert(r.s.ctxDB(ctx), "create inbound route "+rt.DID, rt)
}

// Route finds the route of a DID (ErrNotFound when none).
func (r *TrunkRepo) Route(ctx context.Context, did string) (*InboundRoute, error) {
	return findOne[InboundRoute](r.s.ctxDB(ctx), "inbound route "+did, "did = ?", did)
}

// Routes returns all inbound routes by DID.
func (r *TrunkRepo) Routes(ctx context.Context) ([]InboundRoute, error) {
	var out []InboundRoute
	return out, wrap("list inbound routes", r.s.ctxDB(ctx).Order("did").Find(&out).Error)
}

// UpdateRoute writes an inbound route (found by ID).
func (r *TrunkRepo) UpdateRoute(ctx context.Context, rt *InboundRoute) error {
	if rt == nil {
		return missing("InboundRoute")
	}
	if err := rt.validate(); err != nil {
		return fmt.Errorf("store: update inbound route: %w", err)
	}
	return updateRow(r.s.ctxDB(ctx), "update inbound route", rt, rt.ID)
}

// DeleteRoute removes the route of a DID.
func (r *TrunkRepo) DeleteRoute(ctx context.Context, did string) error {
	return deleteWhere[InboundRoute](r.s.ctxDB(ctx), "delete inbound route "+did, "did = ?", did)
}
