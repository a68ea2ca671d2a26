package transports

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// hostAllowList decides which Host headers a loopback listener accepts.
//
// The threat is DNS rebinding: a web page on evil.example re-resolves its
// own name to 127.0.0.1 and has the victim's browser talk to a daemon on
// loopback. Such requests carry Host: evil.example, so a loopback listener
// accepts only loopback names plus the names an operator listed (a reverse
// proxy on the same host that keeps the public Host). Requests that arrive
// on a non-loopback address are not checked here: a remote daemon is guarded
// by its tokens and allow-lists, and rebinding to it gains nothing.
type hostAllowList map[string]bool

func newHostAllowList(hosts []string) hostAllowList {
	m := hostAllowList{}
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		m[stripPort(h)] = true
	}
	return m
}

// allowed reports whether r may be served.
func (a hostAllowList) allowed(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok || local == nil || !isLoopback(local.String()) {
		return true
	}
	host := strings.ToLower(stripPort(r.Host))
	if host == "" {
		return false
	}
	return isLoopback(host) || a[host]
}

// check answers 403 and reports false when r's Host is not allowed.
func (a hostAllowList) check(w http.ResponseWriter, r *http.Request) bool {
	if a.allowed(r) {
		return true
	}
	WriteError(w, http.StatusForbidden, "host not allowed")
	return false
}

// HostGuard wraps next with the DNS-rebinding check the Streamable HTTP and
// SSE handlers apply themselves, for the daemon's other endpoints on the
// same listeners (/healthz, /metrics). allowed lists extra Host names (port
// optional, ignored) accepted on a loopback listener besides localhost and
// loopback addresses.
func HostGuard(allowed []string, next http.Handler) http.Handler {
	a := newHostAllowList(allowed)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.check(w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

func stripPort(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

func isLoopback(hostport string) bool {
	h := stripPort(hostport)
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Unmap().IsLoopback()
}
