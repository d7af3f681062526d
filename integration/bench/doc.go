// Package bench holds Switchboard's performance benchmarks (issue 6): call
// setups per second through the simulator, the ARI client and the whole PBX;
// Go heap held per active call; the time the app adds between an event and
// its reaction; and, with a real Asterisk 22, SIPp's INVITE→180 time through
// the app. They run only with go test -bench; README.md gives the method,
// the commands and the figures.
package bench
