package voicemail

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/ari/feature"
	"github.com/switchboard-pbx/switchboard/store"
)

// envelope is what Comedian Mail says about a message on advanced option
// 3: when it was received, in the system's time zone, and who left it.
// Before each message it says only when (envelope=yes, saycid=no).
func envelope(m *store.VoicemailMessage, now time.Time, loc *time.Location) []string {
	return append(received(m.ReceivedAt, now, loc), from(m.CallerNumber)...)
}

// from is "from <digits>" or "from an unknown caller" (Comedian's saycid).
func from(number string) []string {
	if number == "" {
		return []string{"sound:vm-unknown-caller"}
	}
	return []string{"sound:vm-from", "digits:" + strings.TrimPrefix(number, "+")}
}

// received is Comedian's English play_message_datetime, the format
// "'vm-received' q 'digits/at' IMp" of Asterisk's say.c: "received today
// at three forty-five p m"; yesterday, a weekday within the last week, or
// the date when older.
func received(at, now time.Time, loc *time.Location) []string {
	at, now = at.In(loc), now.In(loc)
	out := append([]string{"sound:vm-received"}, relativeDay(at, now, loc)...)
	out = append(out, "sound:digits/at")
	h := at.Hour()
	switch {
	case h == 0:
		out = append(out, "sound:digits/12")
	case h > 12:
		out = append(out, "sound:digits/"+strconv.Itoa(h-12))
	default:
		out = append(out, "sound:digits/"+strconv.Itoa(h))
	}
	switch mi := at.Minute(); {
	case mi == 0:
		out = append(out, "sound:digits/oclock")
	case mi < 10:
		out = append(out, "sound:digits/oh", "sound:digits/"+strconv.Itoa(mi))
	default:
		out = append(out, "number:"+strconv.Itoa(mi))
	}
	if h > 11 {
		return append(out, "sound:digits/p-m")
	}
	return append(out, "sound:digits/a-m")
}

// relativeDay is say.c's 'q': the day relative to the start of today, by
// the same second counts (a month is 2628000 s, half a year 15768000 s).
func relativeDay(at, now time.Time, loc *time.Location) []string {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	after := func(sec int64) bool { return at.After(today.Add(time.Duration(sec) * time.Second)) }
	switch {
	case after(15768000):
		return dateBdY(at)
	case after(2628000):
		return dateBd(at)
	case after(86400 * 6):
		return append([]string{weekday(at)}, dateBd(at)...)
	case after(172800):
		return []string{weekday(at)}
	case after(86400):
		return []string{"sound:digits/tomorrow"}
	case after(0):
		return []string{"sound:digits/today"}
	case after(-86400):
		return []string{"sound:digits/yesterday"}
	case after(-86400 * 6):
		return []string{weekday(at)}
	case after(-2628000):
		return append([]string{weekday(at)}, dateBd(at)...)
	case after(-15768000):
		return dateBd(at)
	}
	return dateBdY(at)
}

func weekday(t time.Time) string { return "sound:digits/day-" + strconv.Itoa(int(t.Weekday())) }

// dateBd is "August seventh".
func dateBd(t time.Time) []string {
	return append([]string{"sound:digits/mon-" + strconv.Itoa(int(t.Month())-1)}, ordinal(t.Day())...)
}

// dateBdY is "April nineteenth two thousand three".
func dateBdY(t time.Time) []string {
	return append(dateBd(t), "number:"+strconv.Itoa(t.Year()))
}

// ordinal is English ast_say_enumeration for a day of the month:
// digits/h-1 … h-20, h-30, and "twenty" + h-1 for 21.
func ordinal(n int) []string {
	if n <= 20 || n%10 == 0 {
		return []string{"sound:digits/h-" + strconv.Itoa(n)}
	}
	return []string{"sound:digits/" + strconv.Itoa(n/10*10), "sound:digits/h-" + strconv.Itoa(n%10)}
}

// zone is the system's time zone from the store's settings (UTC without a
// store or when it cannot be read).
func zone(ctx context.Context, env *feature.Env) *time.Location {
	if env.Store == nil {
		return time.UTC
	}
	s, err := env.Store.Settings.Get(ctx)
	if err != nil {
		return time.UTC
	}
	return s.Location()
}
