package dialplan

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrInvalidWakeup is wrapped when MMDDHHMM is not a possible date and time.
var ErrInvalidWakeup = errors.New("dialplan: invalid wakeup time")

// ErrNonexistentTime is wrapped when the next occurrence of a wakeup time
// falls into a daylight-saving gap (02:30 on the night clocks go forward).
// The call is not moved silently: the caller hears the time was refused.
var ErrNonexistentTime = errors.New("dialplan: local time does not exist")

// wakeupYears bounds the search for a 29 February (a leap year comes within 8 years).
const wakeupYears = 8

// ParseWakeup reads the 8 digits MMDDHHMM of FC-WAKEUP-ADD (*55*MMDDHHMM#).
// The day must exist in that month in some year (0229 is accepted, 0230 is
// not); hours run 00-23 and minutes 00-59.
func ParseWakeup(mmddhhmm string) (month time.Month, day, hour, minute int, err error) {
	if len(mmddhhmm) != 8 || !allDigits(mmddhhmm) {
		return 0, 0, 0, 0, fmt.Errorf("%w: %q must be 8 digits MMDDHHMM", ErrInvalidWakeup, mmddhhmm)
	}
	two := func(i int) int { return int(mmddhhmm[i]-'0')*10 + int(mmddhhmm[i+1]-'0') }
	m, d, h, mi := two(0), two(2), two(4), two(6)
	switch {
	case m < 1 || m > 12:
		return 0, 0, 0, 0, fmt.Errorf("%w: month %02d", ErrInvalidWakeup, m)
	case d < 1 || d > daysIn(time.Month(m), 2000): // 2000 is a leap year: 29 Feb is possible
		return 0, 0, 0, 0, fmt.Errorf("%w: %s has no day %02d", ErrInvalidWakeup, time.Month(m), d)
	case h > 23:
		return 0, 0, 0, 0, fmt.Errorf("%w: hour %02d", ErrInvalidWakeup, h)
	case mi > 59:
		return 0, 0, 0, 0, fmt.Errorf("%w: minute %02d", ErrInvalidWakeup, mi)
	}
	return time.Month(m), d, h, mi, nil
}

// NextWakeup returns the first instant after now at which the wall clock in
// loc shows MMDDHHMM: this year if still ahead, else next year (29 February:
// the next leap year). loc nil means UTC.
//
// Daylight saving: a wall time that occurs twice (clocks go back) gives its
// first occurrence still after now; a wall time that does not occur (clocks
// go forward) gives an error wrapping ErrNonexistentTime, so the user can
// choose another time instead of being woken at an hour they did not ask for.
func NextWakeup(mmddhhmm string, now time.Time, loc *time.Location) (time.Time, error) {
	month, day, hour, minute, err := ParseWakeup(mmddhhmm)
	if err != nil {
		return time.Time{}, err
	}
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	nowWall := wallClock(local)
	for year := local.Year(); year <= local.Year()+wakeupYears; year++ {
		if day > daysIn(month, year) {
			continue
		}
		wall := time.Date(year, month, day, hour, minute, 0, 0, time.UTC)
		instants := wallInstants(wall, loc)
		for _, t := range instants {
			if t.After(now) {
				return t, nil
			}
		}
		if len(instants) == 0 && wall.After(nowWall) {
			return time.Time{}, fmt.Errorf("%w: %s in %s (clocks go forward)",
				ErrNonexistentTime, wall.Format("2 Jan 2006 15:04"), loc)
		}
	}
	return time.Time{}, fmt.Errorf("%w: no %s within %d years", ErrInvalidWakeup, mmddhhmm, wakeupYears)
}

// wallClock returns t's wall clock reading as a UTC time, for comparing wall times.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// wallInstants returns, in order, every instant at which loc's clock shows
// the wall time (given as a UTC time): none in a gap, two in an overlap.
func wallInstants(wall time.Time, loc *time.Location) []time.Time {
	guess := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), 0, 0, loc)
	var out []time.Time
	for _, probe := range []time.Time{guess.Add(-48 * time.Hour), guess, guess.Add(48 * time.Hour)} {
		_, offset := probe.Zone()
		t := wall.Add(-time.Duration(offset) * time.Second).In(loc)
		if wallClock(t).Equal(wall) && !slices.ContainsFunc(out, t.Equal) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
