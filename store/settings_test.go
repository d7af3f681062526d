package store

import (
	"context"
	"testing"
)

func TestSettingsStartAtDefaultsAndSaveRoundTrips(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		s, err := st.Settings.Get(ctx)
		must(t, err)
		if s.OutboundPrefix != "9" || s.ExtensionFirst != 100 || len(s.EmergencyNumbers) != 2 {
			t.Fatalf("defaults = %+v", s)
		}
		s.CountryCode, s.TimeZone = "49", "Europe/Berlin"
		s.EmergencyNumbers = []string{"112", "110"}
		s.WANAddress = "203.0.113.7"
		must(t, st.Settings.Save(ctx, s))
		got, err := st.Settings.Get(ctx)
		must(t, err)
		if got.CountryCode != "49" || got.TimeZone != "Europe/Berlin" || got.EmergencyNumbers[1] != "110" || got.WANAddress != "203.0.113.7" {
			t.Fatalf("saved = %+v", got)
		}
		if got.Location().String() != "Europe/Berlin" {
			t.Fatalf("location = %v", got.Location())
		}
	})
}

func TestSettingsRefuseOverlappingRangesAndBadValues(t *testing.T) {
	backends(t, func(t *testing.T, st *Store) {
		ctx := context.Background()
		bad := []struct {
			mut   func(*SystemSettings)
			field string
		}{
			{func(s *SystemSettings) { s.ParkFirst, s.ParkLast = 90, 95 }, "conference_first"},
			{func(s *SystemSettings) { s.ExtensionFirst, s.ExtensionLast = 500, 400 }, "extension_first"},
			{func(s *SystemSettings) { s.OutboundPrefix = "9a" }, "outbound_prefix"},
			{func(s *SystemSettings) { s.TimeZone = "Mars/Olympus" }, "time_zone"},
			{func(s *SystemSettings) { s.EmergencyNumbers = []string{"11 2"} }, "emergency_numbers"},
			{func(s *SystemSettings) { s.LANAddress = "not-an-ip" }, "lan_address"},
		}
		for _, b := range bad {
			s := DefaultSettings()
			b.mut(&s)
			wantField(t, st.Settings.Save(ctx, &s), b.field)
		}
		got, err := st.Settings.Get(ctx)
		must(t, err)
		if got.TimeZone != "UTC" {
			t.Fatalf("refused save changed settings: %+v", got)
		}
	})
}
