// Package scenarios holds the call scenarios of issue 5, each written once
// with the harness and run in both modes: against the simulator (always) and
// against a real Asterisk 22 when SWITCHBOARD_ASTERISK names its binary.
// The app under test is integration/refapp until the call core replaces it.
//
//	go test ./integration/scenarios/                      # mode (a); (b) skips
//	SWITCHBOARD_ASTERISK=/opt/asterisk/sbin/asterisk \
//	  go test -count=1 -timeout 20m ./integration/...     # both modes
package scenarios
