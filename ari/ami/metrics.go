package ami

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// maxSources caps the distinct source addresses labelled in the security
// counter; beyond it attackers share the label "other", so a scan cannot
// blow up the metric's cardinality.
const maxSources = 1000

// Metrics counts AMI security events per source and undelivered events. It
// is a prometheus.Collector.
type Metrics struct {
	securityEvents *prometheus.CounterVec
	dropped        prometheus.Counter
	mu             sync.Mutex
	sources        map[string]bool
}

// NewMetrics builds unregistered counters named switchboard_ami_*.
func NewMetrics() *Metrics {
	return &Metrics{
		securityEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_ami_security_events_total",
			Help: "Asterisk security events (failed logins, ACL rejections) by event and source address.",
		}, []string{"event", "source"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_ami_events_dropped_total", Help: "AMI events not delivered because the subscriber's queue was full.",
		}),
		sources: map[string]bool{},
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.securityEvents.Describe(ch)
	m.dropped.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.securityEvents.Collect(ch)
	m.dropped.Collect(ch)
}

func (m *Metrics) security(event, source string) {
	m.mu.Lock()
	if !m.sources[source] {
		if len(m.sources) >= maxSources {
			source = "other"
		} else {
			m.sources[source] = true
		}
	}
	m.mu.Unlock()
	m.securityEvents.WithLabelValues(event, source).Inc()
}
