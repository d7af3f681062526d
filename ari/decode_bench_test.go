package ari

import (
	"syscall"
	"testing"
	"time"
)

const (
	benchChannel      = `{"id":"1795640731.57","name":"PJSIP/201-00000023","state":"Up","protocol_id":"83eac731eb446fb9","caller":{"name":"","number":"201"},"connected":{"name":"","number":"202"},"accountcode":"","dialplan":{"context":"from-phones","exten":"202","priority":1,"app_name":"Stasis","app_data":"switchboard,phone,202"},"creationtime":"2026-11-25T21:05:31.991+0000","language":"en"}`
	benchStateChange  = `{"type":"ChannelStateChange","timestamp":"2026-11-25T21:05:32.991+0000","channel":` + benchChannel + `,"asterisk_id":"02:fc:00:00:00:01","application":"switchboard"}`
	benchDtmfReceived = `{"type":"ChannelDtmfReceived","timestamp":"2026-11-25T21:05:33.991+0000","digit":"5","duration_ms":180,"channel":` + benchChannel + `,"asterisk_id":"02:fc:00:00:00:01","application":"switchboard"}`
	benchStasisStart  = `{"type":"StasisStart","timestamp":"2026-11-25T21:05:31.991+0000","args":["phone","202"],"channel":` + benchChannel + `,"asterisk_id":"02:fc:00:00:00:01","application":"switchboard"}`
)

func benchDecode(b *testing.B, raw string) {
	data := []byte(raw)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	before := cpuTime()
	for b.Loop() {
		ev, err := DecodeEvent(data)
		if err != nil || len(ev.ChannelIDs()) != 1 {
			b.Fatal(err)
		}
	}
	// On a shared machine wall time per op says little; CPU time per op is
	// what bounds events per second on one core.
	b.ReportMetric(float64(cpuTime()-before)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkDecodeChannelStateChange(b *testing.B)  { benchDecode(b, benchStateChange) }
func BenchmarkDecodeChannelDtmfReceived(b *testing.B) { benchDecode(b, benchDtmfReceived) }
func BenchmarkDecodeStasisStart(b *testing.B)         { benchDecode(b, benchStasisStart) }
