package voicemail

import (
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/store"
)

func TestReceivedSaysTheDayAndTimeAsComedianMailInTheSystemZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Now: Thursday 26 November 2026, 15:00 in Berlin (14:00 UTC).
	now := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		at   time.Time
		want string
	}{
		{"today afternoon", time.Date(2026, 11, 26, 12, 45, 0, 0, time.UTC),
			"vm-received digits/today digits/at digits/1 number:45 digits/p-m"},
		{"just after midnight in the zone, still the day before in UTC", time.Date(2026, 11, 25, 23, 5, 0, 0, time.UTC),
			"vm-received digits/today digits/at digits/12 digits/oh digits/5 digits/a-m"},
		{"yesterday on the hour", time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC),
			"vm-received digits/yesterday digits/at digits/9 digits/oclock digits/a-m"},
		{"within the week: the weekday", time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC),
			"vm-received digits/day-1 digits/at digits/11 number:30 digits/a-m"},
		{"within a month: weekday, month and day", time.Date(2026, 11, 12, 11, 0, 0, 0, time.UTC),
			"vm-received digits/day-4 digits/mon-10 digits/h-12 digits/at digits/12 digits/oclock digits/p-m"},
		{"within half a year: month and day", time.Date(2026, 8, 21, 17, 10, 0, 0, time.UTC),
			"vm-received digits/mon-7 digits/20 digits/h-1 digits/at digits/7 number:10 digits/p-m"},
		{"older: with the year", time.Date(2025, 4, 19, 6, 0, 0, 0, time.UTC),
			"vm-received digits/mon-3 digits/h-19 number:2025 digits/at digits/8 digits/oclock digits/a-m"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, m := range received(c.at, now, berlin) {
				got = append(got, strings.TrimPrefix(m, "sound:"))
			}
			if strings.Join(got, " ") != c.want {
				t.Errorf("received %v\n got %s\nwant %s", c.at, strings.Join(got, " "), c.want)
			}
		})
	}
}

func TestEnvelopeEndsWithTheCallerOrAnUnknownCaller(t *testing.T) {
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	known := envelope(&store.VoicemailMessage{ReceivedAt: at, CallerNumber: "+4930123"}, at, time.UTC)
	if tail := strings.Join(known[len(known)-2:], " "); tail != "sound:vm-from digits:4930123" {
		t.Errorf("envelope ends %q, want vm-from and the digits", tail)
	}
	unknown := envelope(&store.VoicemailMessage{ReceivedAt: at}, at, time.UTC)
	if unknown[len(unknown)-1] != "sound:vm-unknown-caller" {
		t.Errorf("envelope of an unknown caller ends %q", unknown[len(unknown)-1])
	}
}
