package ari

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts what the event stream and the router do. It is a
// prometheus.Collector: register it once (portal's /metrics) and hand the same
// value to the Stream and the Router.
type Metrics struct {
	events         *prometheus.CounterVec
	decodeErrors   prometheus.Counter
	connects       *prometheus.CounterVec
	streamOverflow prometheus.Counter
	ownerOverflow  prometheus.Counter
	unclaimed      prometheus.Counter
	owners         prometheus.Gauge
}

// NewMetrics builds unregistered counters named switchboard_ari_*.
func NewMetrics() *Metrics {
	return &Metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_ari_events_total", Help: "ARI events received, by type.",
		}, []string{"type"}),
		decodeErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_ari_event_decode_errors_total", Help: "ARI WebSocket messages that did not decode.",
		}),
		connects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_ari_connects_total", Help: "ARI WebSocket connection attempts, by result.",
		}, []string{"result"}),
		streamOverflow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_ari_stream_overflows_total", Help: "Times the event queue was full and the stream reconnected to resynchronise.",
		}),
		ownerOverflow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_ari_owner_overflows_total", Help: "Call owners failed because their event queue was full.",
		}),
		unclaimed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_ari_unclaimed_events_total", Help: "Events no owner claimed, given to the default handler.",
		}),
		owners: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "switchboard_ari_owners", Help: "Live event owners (calls) registered with the router.",
		}),
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.events.Describe(ch)
	m.connects.Describe(ch)
	m.owners.Describe(ch)
	for _, c := range m.counters() {
		c.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.events.Collect(ch)
	m.connects.Collect(ch)
	m.owners.Collect(ch)
	for _, c := range m.counters() {
		c.Collect(ch)
	}
}

func (m *Metrics) counters() []prometheus.Counter {
	return []prometheus.Counter{m.decodeErrors, m.streamOverflow, m.ownerOverflow, m.unclaimed}
}
