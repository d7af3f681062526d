package store

import (
	"context"
	"fmt"
	"net"
	"time"
	_ "time/tzdata" // time zones must resolve on hosts without zoneinfo

	"gorm.io/gorm"
)

// settingsID is the id of the one settings row.
const settingsID = 1

// SystemSettings is the one row of PBX-wide settings an admin edits: the
// numbering plan, dialling rules, addresses, time zone and SMTP.
type SystemSettings struct {
	ID uint64 `gorm:"primaryKey" json:"-"`
	// ExtensionFirst..ExtensionLast is the range of internal numbers
	// (extensions, queues, ring groups).
	ExtensionFirst int `gorm:"not null" json:"extension_first"`
	// ExtensionLast ends the internal range.
	ExtensionLast int `gorm:"not null" json:"extension_last"`
	// ParkFirst..ParkLast are the parking slots.
	ParkFirst int `gorm:"not null" json:"park_first"`
	// ParkLast ends the parking range.
	ParkLast int `gorm:"not null" json:"park_last"`
	// ParkTimeoutSec is how long a parked call waits before ringing back.
	ParkTimeoutSec int `gorm:"not null" json:"park_timeout_sec"`
	// ConferenceFirst..ConferenceLast are the conference room numbers.
	ConferenceFirst int `gorm:"not null" json:"conference_first"`
	// ConferenceLast ends the conference range.
	ConferenceLast int `gorm:"not null" json:"conference_last"`
	// RingTimeoutSec is how long an extension rings before no-answer handling.
	RingTimeoutSec int `gorm:"not null" json:"ring_timeout_sec"`
	// OutboundPrefix is dialled before external numbers ("9").
	OutboundPrefix string `gorm:"size:4;not null" json:"outbound_prefix"`
	// CountryCode is the E.164 country code without "+" ("49"); empty means
	// numbers are kept as dialled.
	CountryCode string `gorm:"size:4;not null;default:''" json:"country_code"`
	// NationalPrefix is the trunk prefix of national numbers ("0").
	NationalPrefix string `gorm:"size:4;not null;default:''" json:"national_prefix"`
	// EmergencyNumbers go out as dialled from every extension.
	EmergencyNumbers []string `gorm:"serializer:json;type:text;not null" json:"emergency_numbers"`
	// WANAddress is said by **11#.
	WANAddress string `gorm:"size:64;not null;default:''" json:"wan_address"`
	// LANAddress is said by **12#.
	LANAddress string `gorm:"size:64;not null;default:''" json:"lan_address"`
	// TimeZone is an IANA zone ("Europe/Berlin") for wakeups and call-log ranges.
	TimeZone string `gorm:"size:64;not null" json:"time_zone"`
	// SMTPHost etc. configure outgoing mail (voicemail, missed calls).
	SMTPHost string `gorm:"size:255;not null;default:''" json:"smtp_host"`
	// SMTPPort is the SMTP server port.
	SMTPPort int `gorm:"not null" json:"smtp_port"`
	// SMTPUsername is the SMTP log-in.
	SMTPUsername string `gorm:"size:255;not null;default:''" json:"smtp_username"`
	// SMTPPassword is the SMTP password.
	SMTPPassword string `gorm:"size:255;not null;default:''" json:"-"`
	// SMTPFrom is the sender address.
	SMTPFrom string `gorm:"size:254;not null;default:''" json:"smtp_from"`
	// SMTPStartTLS requires STARTTLS.
	SMTPStartTLS bool      `gorm:"not null" json:"smtp_starttls"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TableName keeps the table name singular-free and stable.
func (SystemSettings) TableName() string { return "system_settings" }

// DefaultSettings returns the catalogue's defaults.
func DefaultSettings() SystemSettings {
	return SystemSettings{
		ID:               settingsID,
		ExtensionFirst:   100,
		ExtensionLast:    899,
		ParkFirst:        41,
		ParkLast:         49,
		ParkTimeoutSec:   120,
		ConferenceFirst:  90,
		ConferenceLast:   99,
		RingTimeoutSec:   30,
		OutboundPrefix:   "9",
		EmergencyNumbers: []string{"112", "911"},
		TimeZone:         "UTC",
		SMTPPort:         587,
	}
}

// Location resolves TimeZone (UTC when it does not resolve).
func (s *SystemSettings) Location() *time.Location {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

func (s *SystemSettings) validate() error {
	type rng struct {
		name     string
		lo, hi   int
		min, max int
	}
	ranges := []rng{
		{"extension", s.ExtensionFirst, s.ExtensionLast, 10, 999999},
		{"park", s.ParkFirst, s.ParkLast, 0, 9999},
		{"conference", s.ConferenceFirst, s.ConferenceLast, 0, 9999},
	}
	for _, r := range ranges {
		if r.lo < r.min || r.hi > r.max || r.lo > r.hi {
			return invalid(r.name+"_first", fmt.Sprintf("range %d-%d is not within %d-%d or is reversed", r.lo, r.hi, r.min, r.max))
		}
	}
	for i := range ranges {
		for j := i + 1; j < len(ranges); j++ {
			a, b := ranges[i], ranges[j]
			if a.lo <= b.hi && b.lo <= a.hi {
				return invalid(b.name+"_first", "range overlaps the "+a.name+" range")
			}
		}
	}
	if err := firstErr(
		checkDigitsLen("outbound_prefix", s.OutboundPrefix, 1, 4),
		checkRange("park_timeout_sec", s.ParkTimeoutSec, 5, 3600),
		checkRange("ring_timeout_sec", s.RingTimeoutSec, 5, 600),
		checkRange("smtp_port", s.SMTPPort, 0, 65535),
		checkText("smtp_host", s.SMTPHost, 255, false),
		checkText("smtp_username", s.SMTPUsername, 255, false),
		checkText("smtp_password", s.SMTPPassword, 255, false),
		checkEmail("smtp_from", s.SMTPFrom),
	); err != nil {
		return err
	}
	if s.CountryCode != "" {
		if err := checkDigitsLen("country_code", s.CountryCode, 1, 3); err != nil {
			return err
		}
	}
	if s.NationalPrefix != "" {
		if err := checkDigitsLen("national_prefix", s.NationalPrefix, 1, 4); err != nil {
			return err
		}
	}
	if len(s.EmergencyNumbers) == 0 || len(s.EmergencyNumbers) > 16 {
		return invalid("emergency_numbers", "must list 1 to 16 numbers")
	}
	for _, n := range s.EmergencyNumbers {
		if err := checkDigitsLen("emergency_numbers", n, 2, 6); err != nil {
			return err
		}
	}
	for _, a := range []struct{ f, v string }{{"wan_address", s.WANAddress}, {"lan_address", s.LANAddress}} {
		if a.v != "" && net.ParseIP(a.v) == nil {
			if err := checkText(a.f, a.v, 64, false); err != nil {
				return err
			}
			return invalid(a.f, "is not an IP address")
		}
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" {
		return invalid("time_zone", "is not an IANA time zone")
	}
	return nil
}

// SettingsRepo stores the system settings.
type SettingsRepo struct{ s *Store }

// Get returns the settings (the defaults until an admin saved others).
func (r *SettingsRepo) Get(ctx context.Context) (*SystemSettings, error) {
	v, err := findOne[SystemSettings](r.s.ctxDB(ctx), "get settings", "id = ?", settingsID)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Save validates and writes all settings.
func (r *SettingsRepo) Save(ctx context.Context, v *SystemSettings) error {
	if v == nil {
		return missing("SystemSettings")
	}
	if err := v.validate(); err != nil {
		return fmt.Errorf("store: save settings: %w", err)
	}
	v.ID = settingsID
	return updateRow(r.s.ctxDB(ctx), "save settings", v, settingsID)
}

// seedSettings writes the default row; used by the first migration.
func seedSettings(tx *gorm.DB) error {
	d := DefaultSettings()
	return tx.Create(&d).Error
}
