package main

import (
	"log/slog"
	"strings"
	"testing"
)

func TestRepeatFilterKeepsOneLinePerChangeAndCountsTheDropped(t *testing.T) {
	out := &syncBuffer{}
	log := slog.New(newRepeatFilter(slog.NewTextHandler(out, nil))).With("component", "ari")
	for range 5 {
		log.Warn("stream down, reconnecting", "attempt", 1)
	}
	log.Info("stream connected")
	log.Warn("stream down, reconnecting")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines:\n%s", len(lines), out.String())
	}
	if !strings.Contains(lines[1], `msg="stream connected"`) || !strings.Contains(lines[1], "previous_line_repeated=4") {
		t.Errorf("second line %q", lines[1])
	}
	if !strings.Contains(lines[2], "component=ari") || strings.Contains(lines[2], "repeated") {
		t.Errorf("third line %q", lines[2])
	}
}
