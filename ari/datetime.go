package ari

import (
	"fmt"
	"time"
)

// DateTime is an ARI timestamp exactly as Asterisk wrote it
// ("2026-11-25T21:05:31.991+0000"). Keeping the text makes decoding cheap and
// lossless; Time parses it when needed.
type DateTime string

// dateLayouts are the layouts Asterisk uses, most common first.
var dateLayouts = []string{
	"2006-01-02T15:04:05.000-0700",
	"2006-01-02T15:04:05-0700",
	time.RFC3339Nano,
}

// Time parses the timestamp.
func (d DateTime) Time() (time.Time, error) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, string(d)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q", ErrBadTimestamp, string(d))
}

// NewDateTime formats t the way Asterisk does.
func NewDateTime(t time.Time) DateTime {
	return DateTime(t.Format(dateLayouts[0]))
}
