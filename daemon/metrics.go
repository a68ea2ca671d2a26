package daemon

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Latency buckets in seconds, shared by HTTP calls and Odoo calls: Odoo
// answers in milliseconds when healthy and in tens of seconds when not.
var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

type histogram struct {
	counts []uint64 // one per bucket, plus +Inf
	sum    float64
	count  uint64
}

func newHistogram() *histogram { return &histogram{counts: make([]uint64, len(buckets)+1)} }

func (h *histogram) observe(v float64) {
	i := sort.SearchFloat64s(buckets, v)
	h.counts[i]++
	h.sum += v
	h.count++
}

type reqKey struct {
	transport string
	code      int
}

type tenantMetrics struct {
	requests   map[reqKey]uint64
	durations  map[string]*histogram // by transport
	odoo       *histogram
	odooErrors uint64
}

// metrics holds what /metrics exposes, written in the Prometheus text
// format by hand so the daemon needs no client library.
type metrics struct {
	mu           sync.Mutex
	tenants      map[string]*tenantMetrics
	reloadsOK    uint64
	reloadsFail  uint64
	lastReloadOK bool
	lastReloadAt time.Time
}

func newMetrics() *metrics { return &metrics{tenants: map[string]*tenantMetrics{}} }

// retain keeps series for exactly the routed tenants.
func (m *metrics) retain(names []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := make(map[string]bool, len(names))
	for _, n := range names {
		keep[n] = true
		if m.tenants[n] == nil {
			m.tenants[n] = &tenantMetrics{requests: map[reqKey]uint64{}, durations: map[string]*histogram{}, odoo: newHistogram()}
		}
	}
	for n := range m.tenants {
		if !keep[n] {
			delete(m.tenants, n)
		}
	}
}

func (m *metrics) request(tenant, transport string, code int, timed bool, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.tenants[tenant]
	if t == nil {
		return
	}
	t.requests[reqKey{transport, code}]++
	if timed {
		h := t.durations[transport]
		if h == nil {
			h = newHistogram()
			t.durations[transport] = h
		}
		h.observe(d.Seconds())
	}
}

func (m *metrics) odooCall(tenant string, seconds float64, failed bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.tenants[tenant]
	if t == nil {
		return
	}
	t.odoo.observe(seconds)
	if failed {
		t.odooErrors++
	}
}

func (m *metrics) reloaded(ok bool, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ok {
		m.reloadsOK++
	} else {
		m.reloadsFail++
	}
	m.lastReloadOK = ok
	m.lastReloadAt = at
}

func (m *metrics) write(out io.Writer, d *Daemon) {
	tbl := d.routes.Load()
	statuses := tbl.statuses() // outside m.mu: runtimes take their own locks
	w := bufio.NewWriter(out)
	defer w.Flush()

	m.mu.Lock()
	defer m.mu.Unlock()
	names := sortedKeys(m.tenants)

	header(w, "odoo_mcpd_build_info", "gauge", "Build information.")
	fmt.Fprintf(w, "odoo_mcpd_build_info{version=%s} 1\n", quote(Version))
	header(w, "odoo_mcpd_tenants", "gauge", "Tenants currently routed.")
	fmt.Fprintf(w, "odoo_mcpd_tenants %d\n", len(tbl.names))
	header(w, "odoo_mcpd_reloads_total", "counter", "Configuration reloads by result.")
	fmt.Fprintf(w, "odoo_mcpd_reloads_total{result=\"ok\"} %d\n", m.reloadsOK)
	fmt.Fprintf(w, "odoo_mcpd_reloads_total{result=\"error\"} %d\n", m.reloadsFail)
	if !m.lastReloadAt.IsZero() {
		header(w, "odoo_mcpd_last_reload_success", "gauge", "1 if the last reload succeeded.")
		fmt.Fprintf(w, "odoo_mcpd_last_reload_success %d\n", b2i(m.lastReloadOK))
		header(w, "odoo_mcpd_last_reload_timestamp_seconds", "gauge", "Unix time of the last reload.")
		fmt.Fprintf(w, "odoo_mcpd_last_reload_timestamp_seconds %d\n", m.lastReloadAt.Unix())
	}

	header(w, "odoo_mcpd_http_requests_total", "counter", "HTTP requests per tenant, transport and status code.")
	for _, n := range names {
		t := m.tenants[n]
		keys := make([]reqKey, 0, len(t.requests))
		for k := range t.requests {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].transport != keys[j].transport {
				return keys[i].transport < keys[j].transport
			}
			return keys[i].code < keys[j].code
		})
		for _, k := range keys {
			fmt.Fprintf(w, "odoo_mcpd_http_requests_total{tenant=%s,transport=%s,code=\"%d\"} %d\n", quote(n), quote(k.transport), k.code, t.requests[k])
		}
	}
	header(w, "odoo_mcpd_http_request_errors_total", "counter", "HTTP requests answered with a 4xx or 5xx status.")
	for _, n := range names {
		t := m.tenants[n]
		errs := map[string]uint64{}
		for k, v := range t.requests {
			if k.code >= 400 {
				errs[k.transport] += v
			}
		}
		for _, tr := range sortedKeys(errs) {
			fmt.Fprintf(w, "odoo_mcpd_http_request_errors_total{tenant=%s,transport=%s} %d\n", quote(n), quote(tr), errs[tr])
		}
	}
	header(w, "odoo_mcpd_http_request_duration_seconds", "histogram", "Latency of MCP calls (POST requests).")
	for _, n := range names {
		t := m.tenants[n]
		for _, tr := range sortedKeys(t.durations) {
			writeHistogram(w, "odoo_mcpd_http_request_duration_seconds", fmt.Sprintf("tenant=%s,transport=%s", quote(n), quote(tr)), t.durations[tr])
		}
	}
	header(w, "odoo_mcpd_odoo_call_duration_seconds", "histogram", "Latency of calls to the tenant's Odoo.")
	for _, n := range names {
		writeHistogram(w, "odoo_mcpd_odoo_call_duration_seconds", "tenant="+quote(n), m.tenants[n].odoo)
	}
	header(w, "odoo_mcpd_odoo_call_errors_total", "counter", "Calls to the tenant's Odoo that failed.")
	for _, n := range names {
		fmt.Fprintf(w, "odoo_mcpd_odoo_call_errors_total{tenant=%s} %d\n", quote(n), m.tenants[n].odooErrors)
	}

	header(w, "odoo_mcpd_active_sessions", "gauge", "Open MCP sessions per tenant.")
	for _, st := range statuses {
		fmt.Fprintf(w, "odoo_mcpd_active_sessions{tenant=%s} %d\n", quote(st.Name), st.Sessions)
	}
	header(w, "odoo_mcpd_tool_calls_total", "counter", "MCP tool calls per tenant.")
	for _, st := range statuses {
		fmt.Fprintf(w, "odoo_mcpd_tool_calls_total{tenant=%s} %d\n", quote(st.Name), st.Calls)
	}
	header(w, "odoo_mcpd_tool_errors_total", "counter", "MCP tool calls that returned an error.")
	for _, st := range statuses {
		fmt.Fprintf(w, "odoo_mcpd_tool_errors_total{tenant=%s} %d\n", quote(st.Name), st.Errors)
	}
	header(w, "odoo_mcpd_tenant_up", "gauge", "1 if the tenant's state is ready.")
	for _, st := range statuses {
		fmt.Fprintf(w, "odoo_mcpd_tenant_up{tenant=%s,state=%s} %d\n", quote(st.Name), quote(st.State), b2i(st.State == "ready"))
	}
}

func header(w io.Writer, name, typ, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

func writeHistogram(w io.Writer, name, labels string, h *histogram) {
	var cum uint64
	for i, b := range buckets {
		cum += h.counts[i]
		fmt.Fprintf(w, "%s_bucket{%s,le=\"%s\"} %d\n", name, labels, strconv.FormatFloat(b, 'g', -1, 64), cum)
	}
	cum += h.counts[len(buckets)]
	fmt.Fprintf(w, "%s_bucket{%s,le=\"+Inf\"} %d\n", name, labels, cum)
	fmt.Fprintf(w, "%s_sum{%s} %s\n", name, labels, strconv.FormatFloat(h.sum, 'g', -1, 64))
	fmt.Fprintf(w, "%s_count{%s} %d\n", name, labels, h.count)
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func quote(s string) string { return `"` + labelEscaper.Replace(s) + `"` }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
