package transports

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxBodyBytes caps a request body when a policy sets no cap. MCP
// requests are small; a megabyte leaves room for large tool arguments.
const DefaultMaxBodyBytes = 1 << 20

// DefaultBodyTimeout bounds reading a request body when a policy sets no
// bound. The servers have no ReadTimeout, because that would also end
// long-lived SSE streams, so without it a client sending a body a byte at
// a time would hold its connection and handler for as long as it liked.
const DefaultBodyTimeout = 30 * time.Second

// AccessPolicy is what the guard enforces for one tenant on one endpoint.
// The zero value lets everyone in (no tokens, no allow-list, no rate limit)
// but still caps bodies and refuses cross-origin browsers.
type AccessPolicy struct {
	// TokenHashes are "sha256:<64 hex>" digests of the tokens clients
	// present. Empty means no token is needed. A malformed entry never
	// matches, so a bad list fails closed.
	TokenHashes []string
	// AllowIPs are CIDRs (or single addresses) a client must come from.
	// Empty allows every address.
	AllowIPs []string
	// TrustedProxies are CIDRs (or single addresses) of reverse proxies
	// whose X-Forwarded-For header is believed. Empty: the peer address is
	// the client, whatever the headers say.
	TrustedProxies []string
	// AllowOrigins are the browser Origins ("https://app.example.com", or
	// "*") allowed to call. Also allowed: the request's own origin (its
	// Host; the handlers' Host check is what stops DNS rebinding there) and,
	// on a loopback listener, loopback origins such as a local MCP
	// Inspector. A request with any other Origin header is refused, which
	// is what stops a foreign web page from driving the daemon.
	AllowOrigins []string
	// RateLimit is the sustained requests per second allowed per client
	// IP (per /64 for IPv6); 0 disables. Burst is the bucket size; 0 means
	// max(1, RateLimit).
	RateLimit float64
	Burst     int
	// MaxBodyBytes caps a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// BodyTimeout bounds the time a client may take to send a request
	// body once its headers are in; 0 means DefaultBodyTimeout.
	BodyTimeout time.Duration
	// Transport is recorded in the Client put into each request's context:
	// TransportHTTP or TransportSSE. Empty means TransportHTTP.
	Transport string
	// Observer, when set, sees every request the guard handles.
	Observer Observer
	// Logger, when set, gets one line per refused request: client
	// address, status and reason, never a token. Rate-limit refusals are
	// logged at debug level so a flood does not flood the log.
	Logger *slog.Logger
}

// Validate reports every malformed entry of p in one error, so a config
// loader can refuse a bad policy before the guard fails closed on it.
func (p AccessPolicy) Validate() error {
	var errs []error
	for i, h := range p.TokenHashes {
		if _, err := parseTokenHash(h); err != nil {
			errs = append(errs, fmt.Errorf("token hash %d: %w", i+1, err))
		}
	}
	if _, err := parsePrefixes(p.AllowIPs); err != nil {
		errs = append(errs, fmt.Errorf("allowed IPs: %w", err))
	}
	if _, err := parsePrefixes(p.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("trusted proxies: %w", err))
	}
	for _, o := range p.AllowOrigins {
		if _, err := normalizeOrigin(o); err != nil {
			errs = append(errs, fmt.Errorf("allowed origin %q: %w", o, err))
		}
	}
	if p.RateLimit < 0 || math.IsNaN(p.RateLimit) || math.IsInf(p.RateLimit, 0) {
		errs = append(errs, fmt.Errorf("rate limit must be a finite number >= 0, got %v", p.RateLimit))
	}
	if p.Burst < 0 {
		errs = append(errs, fmt.Errorf("burst must be >= 0, got %d", p.Burst))
	}
	if p.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("max body bytes must be >= 0, got %d", p.MaxBodyBytes))
	}
	if p.BodyTimeout < 0 {
		errs = append(errs, fmt.Errorf("body timeout must be >= 0, got %s", p.BodyTimeout))
	}
	switch p.Transport {
	case "", TransportHTTP, TransportSSE:
	default:
		errs = append(errs, fmt.Errorf("transport must be %q or %q, got %q", TransportHTTP, TransportSSE, p.Transport))
	}
	return errors.Join(errs...)
}

// TokenHash returns the "sha256:<hex>" form of token that AccessPolicy
// stores.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func parseTokenHash(s string) ([sha256.Size]byte, error) {
	var out [sha256.Size]byte
	hexPart, ok := strings.CutPrefix(s, "sha256:")
	if !ok {
		return out, errors.New(`must start with "sha256:"`)
	}
	if len(hexPart) != 2*sha256.Size {
		return out, fmt.Errorf("must have %d hex digits after \"sha256:\", got %d", 2*sha256.Size, len(hexPart))
	}
	if _, err := hex.Decode(out[:], []byte(hexPart)); err != nil {
		return out, errors.New("not hexadecimal")
	}
	return out, nil
}

func parsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for _, s := range list {
		s = strings.TrimSpace(s)
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%q is not a CIDR", s))
				continue
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%q is not an IP address or CIDR", s))
			continue
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, errors.Join(errs...)
}

func containsAddr(list []netip.Prefix, a netip.Addr) bool {
	for _, p := range list {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// normalizeOrigin returns an Origin in the lower-case scheme://host[:port]
// form browsers send.
func normalizeOrigin(o string) (string, error) {
	if o == "*" {
		return o, nil
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("must be an http(s) origin like https://app.example.com")
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("must be scheme://host[:port] only")
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// Headers a browser may send and read cross-origin.
const (
	corsAllowMethods  = "GET, POST, DELETE, OPTIONS"
	corsAllowHeaders  = "Authorization, X-API-Key, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID"
	corsExposeHeaders = "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate"
)

type guard struct {
	next      http.Handler
	hashes    [][sha256.Size]byte
	needToken bool
	allowIPs  []netip.Prefix
	proxies   []netip.Prefix
	anyOrigin bool
	origins   map[string]bool
	limiter   *limiter
	maxBody   int64
	bodyWait  time.Duration
	transport string
	obs       Observer
	log       *slog.Logger
}

// Guard wraps next with p: client address and allow-list, rate limit, CORS
// and Origin check, token auth, POST content type and body cap, in that
// order. Every refusal is a short {"error": ...} with the proper status and
// says nothing about other tenants. Requests that pass carry a Client in
// their context and no longer carry the token headers.
func Guard(p AccessPolicy, next http.Handler) http.Handler {
	g := &guard{
		next:      next,
		needToken: len(p.TokenHashes) > 0,
		origins:   map[string]bool{},
		maxBody:   p.MaxBodyBytes,
		bodyWait:  p.BodyTimeout,
		transport: p.Transport,
		obs:       observerOrNop(p.Observer),
		log:       p.Logger,
	}
	for _, h := range p.TokenHashes {
		if sum, err := parseTokenHash(h); err == nil {
			g.hashes = append(g.hashes, sum)
		}
	}
	// A malformed entry is dropped, not treated as "no tokens": needToken
	// stays true, so the guard fails closed.
	g.allowIPs, _ = parsePrefixes(p.AllowIPs)
	if len(p.AllowIPs) > 0 && len(g.allowIPs) == 0 {
		g.allowIPs = []netip.Prefix{} // all entries bad: allow nobody
	}
	g.proxies, _ = parsePrefixes(p.TrustedProxies)
	for _, o := range p.AllowOrigins {
		n, err := normalizeOrigin(o)
		switch {
		case err != nil:
		case n == "*":
			g.anyOrigin = true
		default:
			g.origins[n] = true
		}
	}
	if p.RateLimit > 0 && !math.IsInf(p.RateLimit, 0) {
		burst := float64(p.Burst)
		if burst <= 0 {
			burst = math.Max(1, p.RateLimit)
		}
		g.limiter = newLimiter(p.RateLimit, burst)
	}
	if g.maxBody <= 0 {
		g.maxBody = DefaultMaxBodyBytes
	}
	if g.bodyWait <= 0 {
		g.bodyWait = DefaultBodyTimeout
	}
	if g.transport == "" {
		g.transport = TransportHTTP
	}
	return g
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, start: time.Now()}
	defer func() {
		status := sw.status
		if status == 0 {
			status = http.StatusOK
			sw.headerAt = time.Now()
		}
		g.obs.ObserveRequest(g.transport, status, sw.headerAt.Sub(sw.start))
	}()
	g.serve(sw, r)
}

func (g *guard) serve(w http.ResponseWriter, r *http.Request) {
	addr, ok := g.clientAddr(r)
	if !ok {
		g.refuse(w, r, netip.Addr{}, http.StatusBadRequest, "malformed X-Forwarded-For")
		return
	}
	if g.allowIPs != nil && !containsAddr(g.allowIPs, addr) {
		g.refuse(w, r, addr, http.StatusForbidden, "forbidden")
		return
	}
	if g.limiter != nil {
		if ok, wait := g.limiter.allow(addr, time.Now()); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			g.refuse(w, r, addr, http.StatusTooManyRequests, "rate limit exceeded")
			return
		}
	}

	w.Header().Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); origin != "" {
		if !g.originAllowed(origin, r) {
			g.refuse(w, r, addr, http.StatusForbidden, "origin not allowed")
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}

	client := Client{Addr: addr.String(), Transport: g.transport}
	if g.needToken {
		tok, given := bearerToken(r.Header)
		if !given {
			w.Header().Set("WWW-Authenticate", `Bearer realm="odoo-mcpd"`)
			g.refuse(w, r, addr, http.StatusUnauthorized, "missing token")
			return
		}
		idx := g.match(tok)
		if idx < 0 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="odoo-mcpd", error="invalid_token"`)
			g.refuse(w, r, addr, http.StatusUnauthorized, "invalid token")
			return
		}
		client.Token = hex.EncodeToString(g.hashes[idx][:4])
	}

	if r.Method == http.MethodPost {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			g.refuse(w, r, addr, http.StatusUnsupportedMediaType, "content type must be application/json")
			return
		}
	}
	if r.ContentLength > g.maxBody {
		g.refuse(w, r, addr, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		// mcp-go reads whole bodies anyway; reading here first lets an
		// oversized chunked body get a 413 instead of a parse error.
		rc := http.NewResponseController(w)
		// Unsupported only on writers that are not a server's; nothing
		// to bound then.
		_ = rc.SetReadDeadline(time.Now().Add(g.bodyWait))
		body, err := io.ReadAll(io.LimitReader(r.Body, g.maxBody+1))
		_ = r.Body.Close()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			w.Header().Set("Connection", "close")
			g.refuse(w, r, addr, http.StatusRequestTimeout, fmt.Sprintf("request body not received within %s", g.bodyWait))
			return
		}
		if err != nil {
			g.refuse(w, r, addr, http.StatusBadRequest, "cannot read request body")
			return
		}
		_ = rc.SetReadDeadline(time.Time{})
		if int64(len(body)) > g.maxBody {
			g.refuse(w, r, addr, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		r = r.Clone(WithClient(r.Context(), client))
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	} else {
		r = r.Clone(WithClient(r.Context(), client))
	}
	// The token has done its job; nothing downstream needs to see it.
	r.Header.Del("Authorization")
	r.Header.Del("X-API-Key")
	g.next.ServeHTTP(w, r)
}

// refuse answers a refused request and logs it.
func (g *guard) refuse(w http.ResponseWriter, r *http.Request, addr netip.Addr, status int, reason string) {
	WriteError(w, status, reason)
	if g.log == nil {
		return
	}
	level := slog.LevelInfo
	if status == http.StatusTooManyRequests {
		level = slog.LevelDebug
	}
	client := r.RemoteAddr
	if addr.IsValid() {
		client = addr.String()
	}
	g.log.Log(r.Context(), level, "request refused",
		"client_addr", client, "transport", g.transport,
		"method", r.Method, "path", r.URL.Path, "status", status, "reason", reason)
}

// clientAddr returns the client's address: the peer, or with a trusted
// proxy as peer, the right-most X-Forwarded-For hop that is not a trusted
// proxy. ok is false when a trusted proxy sent an unparsable header.
func (g *guard) clientAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	var addr netip.Addr
	if err == nil {
		addr = ap.Addr().Unmap()
	} else if a, err := netip.ParseAddr(r.RemoteAddr); err == nil {
		addr = a.Unmap()
	} else {
		// Not an IP peer (a unix socket): nothing to allow-list by.
		addr = netip.IPv6Unspecified()
	}
	if len(g.proxies) == 0 || !containsAddr(g.proxies, addr) {
		return addr, true
	}
	hops := r.Header.Values("X-Forwarded-For")
	var all []string
	for _, h := range hops {
		all = append(all, strings.Split(h, ",")...)
	}
	for i := len(all) - 1; i >= 0; i-- {
		s := strings.TrimSpace(all[i])
		a, err := netip.ParseAddr(s)
		if err != nil {
			if ap, err2 := netip.ParseAddrPort(s); err2 == nil {
				a = ap.Addr()
			} else {
				return netip.Addr{}, false
			}
		}
		addr = a.Unmap()
		if !containsAddr(g.proxies, addr) {
			return addr, true
		}
	}
	return addr, true
}

func (g *guard) originAllowed(origin string, r *http.Request) bool {
	if g.anyOrigin {
		return true
	}
	n, err := normalizeOrigin(origin)
	if err != nil {
		return false
	}
	if g.origins[n] {
		return true
	}
	_, host, _ := strings.Cut(n, "://")
	if strings.EqualFold(host, r.Host) {
		return true // same origin: not a cross-site request
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	return ok && local != nil && isLoopback(local.String()) && isLoopback(host)
}

// match returns the index of the hash tok matches, or -1. Every stored
// hash is compared, in constant time each, so timing says nothing about
// which (if any) matched.
func (g *guard) match(tok string) int {
	sum := sha256.Sum256([]byte(tok))
	found := -1
	for i := range g.hashes {
		if subtle.ConstantTimeCompare(sum[:], g.hashes[i][:]) == 1 {
			found = i
		}
	}
	return found
}

// bearerToken returns the token from "Authorization: Bearer T" or
// "X-API-Key: T"; given reports whether either header offered one.
func bearerToken(h http.Header) (tok string, given bool) {
	if a := h.Get("Authorization"); a != "" {
		scheme, rest, _ := strings.Cut(a, " ")
		if strings.EqualFold(scheme, "Bearer") {
			if t := strings.TrimSpace(rest); t != "" {
				return t, true
			}
		}
	}
	if k := strings.TrimSpace(h.Get("X-API-Key")); k != "" {
		return k, true
	}
	// A non-Bearer Authorization header is a credential we cannot accept:
	// report it as given, so the answer is "invalid", not "missing".
	return "", h.Get("Authorization") != ""
}

// statusWriter records the status and when the header went out.
type statusWriter struct {
	http.ResponseWriter
	status   int
	start    time.Time
	headerAt time.Time
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
		s.headerAt = time.Now()
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
		s.headerAt = time.Now()
	}
	return s.ResponseWriter.Write(p)
}

func (s *statusWriter) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
		s.headerAt = time.Now()
	}
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := s.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("transports: response writer cannot hijack")
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
