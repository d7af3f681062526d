package wakeup

import (
	"strconv"
	"time"
)

// Debian's English core sounds have no wakeup phrases; every prompt below is
// composed from prompts that exist there (and in the simulator's table).
var (
	// menuPrompt: "press 1 to enter a number, press 2 to listen to it,
	// press 3 for cancelled, press pound, goodbye".
	menuPrompt = []string{
		"sound:vm-toenternumber",
		"sound:vm-press", "digits:2", "sound:to-listen-to-it",
		"sound:vm-press", "digits:3", "sound:for", "sound:cancelled",
		"sound:vm-press", "digits:#", "sound:goodbye",
	}
	// enterTimePrompt asks for MMDDHHMM: "time, then press pound".
	enterTimePrompt = []string{"sound:time", "sound:vm-then-pound"}
	// invalidPrompt refuses a date or time that does not exist.
	invalidPrompt = []string{"sound:invalid"}
	// cancelledPrompt confirms *055# and menu option 3.
	cancelledPrompt = []string{"sound:cancelled"}
	// greeting opens the wakeup message: "hello, time is …".
	greeting = []string{"sound:hello", "sound:time", "sound:is"}
)

// SayTime is the media that speaks a wall-clock time in 24-hour form:
// 7:00 "seven o'clock", 7:05 "seven oh five", 7:30 "seven thirty".
func SayTime(t time.Time) []string {
	out := []string{"number:" + strconv.Itoa(t.Hour())}
	switch m := t.Minute(); {
	case m == 0:
		out = append(out, "sound:digits/oclock")
	case m < 10:
		out = append(out, "sound:digits/oh", "number:"+strconv.Itoa(m))
	default:
		out = append(out, "number:"+strconv.Itoa(m))
	}
	return out
}

// SayDate is the media that speaks a date as month and ordinal day
// ("November twenty-sixth").
func SayDate(t time.Time) []string {
	out := []string{"sound:digits/mon-" + strconv.Itoa(int(t.Month())-1)}
	return append(out, ordinal(t.Day())...)
}

// SayDateTime speaks a date and a time: "November twenty-sixth at seven
// o'clock".
func SayDateTime(t time.Time) []string {
	out := SayDate(t)
	out = append(out, "sound:digits/at")
	return append(out, SayTime(t)...)
}

// ordinal speaks a day of the month (1..31) the way Asterisk's say_date does.
func ordinal(d int) []string {
	if d <= 20 || d%10 == 0 {
		return []string{"sound:digits/h-" + strconv.Itoa(d)}
	}
	return []string{"sound:digits/" + strconv.Itoa(d-d%10), "sound:digits/h-" + strconv.Itoa(d%10)}
}
