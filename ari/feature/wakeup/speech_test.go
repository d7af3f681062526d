package wakeup_test

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature/wakeup"
)

func TestTimesAndDatesAreSpokenFromCorePrompts(t *testing.T) {
	day := func(m time.Month, d, h, mi int) time.Time { return time.Date(2026, m, d, h, mi, 0, 0, time.UTC) }
	cases := []struct {
		name string
		got  []string
		want []string
	}{
		{"full hour", wakeup.SayTime(day(1, 1, 7, 0)), []string{"number:7", "sound:digits/oclock"}},
		{"midnight", wakeup.SayTime(day(1, 1, 0, 0)), []string{"number:0", "sound:digits/oclock"}},
		{"minutes below ten", wakeup.SayTime(day(1, 1, 12, 9)), []string{"number:12", "sound:digits/oh", "number:9"}},
		{"minutes", wakeup.SayTime(day(1, 1, 23, 45)), []string{"number:23", "number:45"}},
		{"first", wakeup.SayDate(day(1, 1, 0, 0)), []string{"sound:digits/mon-0", "sound:digits/h-1"}},
		{"twentieth", wakeup.SayDate(day(3, 20, 0, 0)), []string{"sound:digits/mon-2", "sound:digits/h-20"}},
		{"twenty-first", wakeup.SayDate(day(5, 21, 0, 0)), []string{"sound:digits/mon-4", "sound:digits/20", "sound:digits/h-1"}},
		{"thirtieth", wakeup.SayDate(day(6, 30, 0, 0)), []string{"sound:digits/mon-5", "sound:digits/h-30"}},
		{"thirty-first", wakeup.SayDate(day(12, 31, 0, 0)), []string{"sound:digits/mon-11", "sound:digits/30", "sound:digits/h-1"}},
		{"date and time", wakeup.SayDateTime(day(11, 26, 7, 30)), []string{"sound:digits/mon-10", "sound:digits/20",
			"sound:digits/h-6", "sound:digits/at", "number:7", "number:30"}},
	}
	for _, c := range cases {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}
