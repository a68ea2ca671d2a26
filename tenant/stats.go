package tenant

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// Stats is a snapshot of a tenant's health and traffic, for the daemon's
// status document and /metrics.
type Stats struct {
	// State is "starting" (no login yet), "ready", "degraded" (the last
	// login or Odoo call failed at the connection or credential level) or
	// "stopping".
	State       string
	OdooVersion string
	Protocol    string

	// Calls and Errors count MCP tool calls; an error is a call that
	// returned isError.
	Calls  uint64
	Errors uint64
	// LatencyP50 and LatencyP99 are over the most recent tool calls.
	LatencyP50 time.Duration
	LatencyP99 time.Duration

	// OdooCalls and OdooErrors count calls to Odoo itself.
	OdooCalls  uint64
	OdooErrors uint64

	LastError   string
	LastErrorAt time.Time

	// ToolLatency and OdooLatency are histograms of call durations.
	ToolLatency Histogram
	OdooLatency Histogram
}

// Histogram is a cumulative histogram in Prometheus' shape: Counts[i] is
// the number of observations no longer than Bounds[i] seconds; Count and
// Sum cover all observations, the +Inf bucket being Count.
type Histogram struct {
	Bounds []float64
	Counts []uint64
	Count  uint64
	Sum    float64
}

// latencyBounds are the histogram buckets in seconds.
var latencyBounds = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; last is +Inf
	count  uint64
	sum    float64
}

func (h *histogram) observe(d time.Duration) {
	if h.counts == nil {
		h.counts = make([]uint64, len(latencyBounds)+1)
	}
	s := d.Seconds()
	i, _ := slices.BinarySearch(latencyBounds, s)
	h.counts[i]++
	h.count++
	h.sum += s
}

func (h *histogram) snapshot() Histogram {
	out := Histogram{Bounds: slices.Clone(latencyBounds), Counts: make([]uint64, len(latencyBounds)), Count: h.count, Sum: h.sum}
	var acc uint64
	for i := range latencyBounds {
		if h.counts != nil {
			acc += h.counts[i]
		}
		out.Counts[i] = acc
	}
	return out
}

// recentSize is how many tool call durations the percentiles cover.
const recentSize = 1024

type stats struct {
	mu          sync.Mutex
	state       string
	version     string
	protocol    string
	calls       uint64
	errors      uint64
	odooCalls   uint64
	odooErrors  uint64
	lastError   string
	lastErrorAt time.Time
	tool        histogram
	odoo        histogram
	recent      []time.Duration
	next        int
}

func newStats() *stats { return &stats{state: "starting"} }

func (s *stats) setState(v string) {
	s.mu.Lock()
	if s.state != "stopping" {
		s.state = v
	}
	s.mu.Unlock()
}

func (s *stats) setVersion(v, proto string) {
	s.mu.Lock()
	if v != "" {
		s.version = v
	}
	if proto != "" {
		s.protocol = proto
	}
	s.mu.Unlock()
}

func (s *stats) noteError(msg string) {
	s.mu.Lock()
	s.lastError = msg
	s.lastErrorAt = time.Now()
	s.mu.Unlock()
}

func (s *stats) observeTool(d time.Duration, failed bool, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if failed {
		s.errors++
		s.lastError = msg
		s.lastErrorAt = time.Now()
	}
	s.tool.observe(d)
	if len(s.recent) < recentSize {
		s.recent = append(s.recent, d)
	} else {
		s.recent[s.next] = d
		s.next = (s.next + 1) % recentSize
	}
}

func (s *stats) observeOdoo(_, _ string, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.odooCalls++
	if err != nil {
		s.odooErrors++
	}
	s.odoo.observe(d)
	if s.state == "stopping" {
		return
	}
	// The tenant's health follows its Odoo: an answer of any kind (even a
	// business error) means Odoo is there and the login works; a dead
	// connection or refused login means it is not.
	var oe *odoo.Error
	switch {
	case err == nil:
		s.state = "ready"
	case errors.As(err, &oe):
		switch oe.Kind {
		case odoo.KindTransport, odoo.KindUnavailable, odoo.KindAccessDenied:
			s.state = "degraded"
		case odoo.KindAccessError, odoo.KindUserError, odoo.KindServer:
			s.state = "ready"
		}
	}
}

// Stats returns a snapshot of the tenant's health and traffic.
func (t *Tenant) Stats() Stats { return t.stats.snapshot() }

func (s *stats) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{
		State:       s.state,
		OdooVersion: s.version,
		Protocol:    s.protocol,
		Calls:       s.calls,
		Errors:      s.errors,
		OdooCalls:   s.odooCalls,
		OdooErrors:  s.odooErrors,
		LastError:   s.lastError,
		LastErrorAt: s.lastErrorAt,
		ToolLatency: s.tool.snapshot(),
		OdooLatency: s.odoo.snapshot(),
	}
	if n := len(s.recent); n > 0 {
		sorted := slices.Clone(s.recent)
		slices.Sort(sorted)
		out.LatencyP50 = sorted[(n-1)*50/100]
		out.LatencyP99 = sorted[(n-1)*99/100]
	}
	return out
}

// Status renders the tenant's row of the control API's status document.
// Sessions is left to the transports, which own them.
func (t *Tenant) Status() ctlapi.TenantStatus {
	cfg := t.Config()
	st := t.Stats()
	out := ctlapi.TenantStatus{
		Name:        t.name,
		State:       st.State,
		URL:         cfg.URL,
		DB:          cfg.DB,
		Protocol:    st.Protocol,
		OdooVersion: st.OdooVersion,
		ReadOnly:    cfg.ReadOnly,
		Calls:       st.Calls,
		Errors:      st.Errors,
		LatencyP50:  ctlapi.Duration(st.LatencyP50),
		LatencyP99:  ctlapi.Duration(st.LatencyP99),
		LastError:   st.LastError,
	}
	if out.Protocol == "" {
		out.Protocol = cfg.Protocol
	}
	if !st.LastErrorAt.IsZero() {
		at := st.LastErrorAt
		out.LastErrorAt = &at
	}
	return out
}
