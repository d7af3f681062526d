package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/switchboard-pbx/switchboard/ari/aritest"
)

func TestCommittedFilesMatchTheDescription(t *testing.T) {
	specs, err := loadSpecs(aritest.SpecDir(t))
	if err != nil {
		t.Fatal(err)
	}
	files, err := generate(specs)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d files generated", len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Errorf("%s: %v (run go generate ./ari)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./ari", name)
		}
	}
}

func TestGoNamesFollowGoInitialisms(t *testing.T) {
	cases := map[string]string{
		"channel_ids":                 "ChannelIDs",
		"asterisk_id":                 "AsteriskID",
		"target_uri":                  "TargetURI",
		"otherChannelId":              "OtherChannelID",
		"absorbDTMF":                  "AbsorbDTMF",
		"duration_ms":                 "DurationMs",
		"createWithId":                "CreateWithID",
		"transfer_progress":           "TransferProgress",
		"caller_rdnis":                "CallerRDNIS",
		"inhibitConnectedLineUpdates": "InhibitConnectedLineUpdates",
	}
	for in, want := range cases {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}
