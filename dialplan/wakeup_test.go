package dialplan

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, also where the system has no zoneinfo
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestNextWakeupIsTheNextSuchDate(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, berlin)
	cases := []struct {
		mmddhhmm string
		want     time.Time
	}{
		{"03010730", time.Date(2027, 3, 1, 7, 30, 0, 0, berlin)},   // the manual's example: next 1 March
		{"12251200", time.Date(2026, 12, 25, 12, 0, 0, 0, berlin)}, // still this year
		{"11251001", time.Date(2026, 11, 25, 10, 1, 0, 0, berlin)}, // a minute from now
		{"11251000", time.Date(2027, 11, 25, 10, 0, 0, 0, berlin)}, // now itself has passed
		{"11250959", time.Date(2027, 11, 25, 9, 59, 0, 0, berlin)}, // earlier today: next year
		{"02290700", time.Date(2028, 2, 29, 7, 0, 0, 0, berlin)},   // next leap year
		{"01010000", time.Date(2027, 1, 1, 0, 0, 0, 0, berlin)},    // midnight
		{"12312359", time.Date(2026, 12, 31, 23, 59, 0, 0, berlin)},
	}
	for _, tc := range cases {
		got, err := NextWakeup(tc.mmddhhmm, now, berlin)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("NextWakeup(%s) = %v, %v; want %v", tc.mmddhhmm, got, err, tc.want)
		}
	}
}

func TestNextWakeupUsesTheSystemTimeZone(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	now := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC) // 10:00 in New York
	got, err := NextWakeup("11251030", now, ny)
	if err != nil || !got.Equal(time.Date(2026, 11, 25, 15, 30, 0, 0, time.UTC)) {
		t.Fatalf("NextWakeup in New York = %v, %v", got, err)
	}
	got, err = NextWakeup("11251030", now, nil)
	if err != nil || !got.Equal(time.Date(2027, 11, 25, 10, 30, 0, 0, time.UTC)) {
		t.Fatalf("NextWakeup with nil location (UTC) = %v, %v", got, err)
	}
}

func TestNextWakeupRefusesImpossibleDates(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, s := range []string{"02300730", "02310730", "04310730", "00010730", "13010730", "01000730",
		"03012400", "03010760", "0301073", "030107300", "0301073a", "", "+3010730"} {
		if got, err := NextWakeup(s, now, time.UTC); !errors.Is(err, ErrInvalidWakeup) {
			t.Errorf("NextWakeup(%q) = %v, %v; want ErrInvalidWakeup", s, got, err)
		}
	}
}

func TestNextWakeupInASpringForwardGapIsRefused(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, berlin)
	// 28 March 2027: Berlin's clocks jump from 02:00 to 03:00.
	if got, err := NextWakeup("03280230", now, berlin); !errors.Is(err, ErrNonexistentTime) {
		t.Fatalf("02:30 on 28 March 2027 = %v, %v; want ErrNonexistentTime", got, err)
	}
	got, err := NextWakeup("03280300", now, berlin)
	if err != nil || !got.Equal(time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("03:00 on 28 March 2027 = %v, %v", got, err)
	}
	ny := mustLoad(t, "America/New_York")
	if _, err := NextWakeup("03140215", now, ny); !errors.Is(err, ErrNonexistentTime) {
		t.Fatalf("02:15 on 14 March 2027 in New York: %v, want ErrNonexistentTime", err)
	}
	// Once the gap of this year has passed, the same wall time next year exists.
	after := time.Date(2027, 4, 1, 0, 0, 0, 0, berlin)
	got, err = NextWakeup("03280230", after, berlin)
	if err != nil || !got.Equal(time.Date(2028, 3, 28, 2, 30, 0, 0, berlin)) {
		t.Fatalf("02:30 on 28 March 2028 = %v, %v", got, err)
	}
}

func TestNextWakeupInAFallBackOverlapTakesTheNextOccurrence(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	// 31 October 2027: Berlin's clocks go back from 03:00 CEST to 02:00 CET,
	// so 02:30 happens at 00:30 UTC and again at 01:30 UTC.
	first := time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC)
	second := time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC)
	got, err := NextWakeup("10310230", time.Date(2027, 10, 1, 0, 0, 0, 0, time.UTC), berlin)
	if err != nil || !got.Equal(first) {
		t.Fatalf("before both: %v, %v; want %v", got, err, first)
	}
	got, err = NextWakeup("10310230", time.Date(2027, 10, 31, 0, 45, 0, 0, time.UTC), berlin)
	if err != nil || !got.Equal(second) {
		t.Fatalf("between both: %v, %v; want %v", got, err, second)
	}
}
