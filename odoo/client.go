// Package odoo is the Odoo ERP client the rest of odoo-mcpd builds on. It
// speaks XML-RPC (/xmlrpc/2/common and /xmlrpc/2/object) and, for Odoo 19
// and later, the JSON-2 API (/json/2/<model>/<method>), and hides their
// differences: values decode to the same Go types, failures map to the same
// *Error kinds, and the per-version renames of ORM methods live in one table.
//
// Around the wire it owns what makes a remote ERP usable from a long-running
// service: shared keep-alive connections, a per-call timeout, a reply size
// cap, login once with a cached uid (re-authenticating once when Odoo says
// AccessDenied), bounded retries of idempotent reads on transport errors, and
// a circuit breaker that fails fast while an Odoo is down.
//
// Values decode into any as int64, float64, string, bool, []any and
// map[string]any, the same over both protocols. A decoded value is never
// nil: an empty string is "", and Odoo's false for an empty field stays
// false. Every failure is (or wraps) an *Error whose Kind says what kind of
// failure it was.
//
// The package knows nothing of MCP, tenants or configuration files.
package odoo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Protocol names accepted in Config.Protocol.
const (
	// ProtocolXMLRPC is /xmlrpc/2/common and /xmlrpc/2/object, served by
	// every Odoo up to 21; the default.
	ProtocolXMLRPC = "xmlrpc"
	// ProtocolJSON2 is /json/2/<model>/<method> with a bearer API key,
	// Odoo 19 and later.
	ProtocolJSON2 = "json2"
	// ProtocolAuto picks JSON-2 when the server is 19 or later and an API
	// key is configured, XML-RPC otherwise.
	ProtocolAuto = "auto"
)

// Defaults applied by New for zero Config fields.
const (
	// DefaultTimeout bounds a call when Config.Timeout is 0.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxResponseBytes caps a reply when Config.MaxResponseBytes is 0.
	DefaultMaxResponseBytes = 64 << 20
)

// Config is what a Client needs to reach one Odoo database as one user.
type Config struct {
	// URL is the server's base URL, e.g. "https://erp.example.com";
	// "/xmlrpc/2/..." and "/json/2/..." are appended.
	URL string
	// DB is the database name.
	DB string
	// Username is the login used by XML-RPC authenticate. Over JSON-2,
	// where the key alone decides the user, logging in checks that the
	// key belongs to this login when it is set.
	Username string
	// Password is the user's password, or an Odoo API key used as one.
	Password Secret
	// APIKey is the bearer key for JSON-2; it may be empty for XML-RPC.
	APIKey Secret
	// Protocol is "xmlrpc" (the default), "json2" or "auto" (JSON-2 when the
	// server is Odoo 19 or later and APIKey is set, XML-RPC otherwise).
	Protocol string
	// Timeout bounds each call, retries and re-login included; 0 means 30s.
	Timeout time.Duration
	// MaxResponseBytes caps a reply's size; 0 means 64 MiB.
	MaxResponseBytes int64
	// HTTPClient is used when set (a copy of it, which never follows
	// redirects); otherwise the Client owns a keep-alive transport of its own.
	HTTPClient *http.Client
	// Logger receives debug lines about calls; nil discards them.
	Logger *slog.Logger
	// Observe, when set, is called after every Odoo call (model is empty for
	// version and authenticate), for metrics.
	Observe func(model, method string, d time.Duration, err error)
}

// Client is a connection to one Odoo database as one user. It is safe for
// concurrent use by many goroutines.
type Client struct {
	cfg      Config
	base     string
	hc       *http.Client
	own      *http.Transport
	log      *slog.Logger
	timeout  time.Duration
	maxBytes int64
	secrets  []string

	brk          breaker
	retries      int           // attempts for idempotent calls
	retryBackoff time.Duration // first backoff; doubles each retry

	uid        atomic.Int64
	logins     flight[int64]
	detects    flight[string]
	versions   flight[int]            // learnVersion's detection, shared by concurrent callers
	proto      atomic.Pointer[string] // resolved protocol
	version    atomic.Pointer[Version]
	rpcID      atomic.Int64
	isClosed   atomic.Bool
	fieldCache sync.Map // model+"\x00"+field -> fieldInfo, for ReadGroup on 19
}

// New validates cfg and returns a Client. It does no network I/O.
func New(cfg Config) (*Client, error) {
	var problems []string
	u, err := url.Parse(cfg.URL)
	switch {
	case cfg.URL == "":
		problems = append(problems, "URL is empty")
	case err != nil:
		problems = append(problems, fmt.Sprintf("URL %q does not parse", cfg.URL))
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		problems = append(problems, fmt.Sprintf("URL must be an http(s) URL with a host, got %q", u.Redacted()))
	case u.User != nil:
		problems = append(problems, fmt.Sprintf("URL must not carry credentials, got %q", u.Redacted()))
	case u.RawQuery != "" || u.Fragment != "":
		problems = append(problems, fmt.Sprintf("URL must not have a query or fragment, got %q", u.Redacted()))
	}
	if cfg.DB == "" {
		problems = append(problems, "DB is empty")
	}
	switch cfg.Protocol {
	case "", ProtocolXMLRPC, ProtocolAuto:
	case ProtocolJSON2:
		if cfg.APIKey.IsZero() {
			problems = append(problems, `protocol "json2" needs an API key`)
		}
	default:
		problems = append(problems, fmt.Sprintf(`protocol must be "xmlrpc", "json2" or "auto", got %q`, cfg.Protocol))
	}
	if cfg.Protocol != ProtocolJSON2 {
		if cfg.Username == "" {
			problems = append(problems, "Username is empty")
		}
		if cfg.Password.IsZero() {
			problems = append(problems, "Password is empty")
		}
	}
	if cfg.Timeout < 0 {
		problems = append(problems, fmt.Sprintf("Timeout must not be negative, got %s", cfg.Timeout))
	}
	if cfg.MaxResponseBytes < 0 {
		problems = append(problems, fmt.Sprintf("MaxResponseBytes must not be negative, got %d", cfg.MaxResponseBytes))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("odoo: invalid config: %s", strings.Join(problems, "; "))
	}
	if cfg.Protocol == "" {
		cfg.Protocol = ProtocolXMLRPC
	}
	c := &Client{
		cfg:          cfg,
		base:         strings.TrimRight(u.String(), "/"),
		log:          cfg.Logger,
		timeout:      cfg.Timeout,
		maxBytes:     cfg.MaxResponseBytes,
		retries:      3,
		retryBackoff: 100 * time.Millisecond,
		brk:          breaker{threshold: 5, cooldown: 10 * time.Second, now: time.Now},
	}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBytes == 0 {
		c.maxBytes = DefaultMaxResponseBytes
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient != nil {
		hc := *cfg.HTTPClient // a copy: others may share the caller's
		c.hc = &hc
	} else {
		c.own = newTransport()
		c.hc = &http.Client{Transport: c.own}
	}
	// Following a redirect would replay the request, password and all, to
	// wherever the server points, even over plain http; Odoo never
	// redirects its RPC routes, so a redirect means the URL is wrong.
	c.hc.CheckRedirect = refuseRedirect
	// Short secrets are common words ("admin", "demo"); scrubbing them would
	// mangle ordinary Odoo messages, and they protect nothing anyway.
	for _, s := range []Secret{cfg.Password, cfg.APIKey} {
		if len(s.Reveal()) >= 8 {
			c.secrets = append(c.secrets, s.Reveal())
		}
	}
	if cfg.Protocol != ProtocolAuto {
		p := cfg.Protocol
		c.proto.Store(&p)
	}
	return c, nil
}

// refuseRedirect stops the client at the first redirect with an error
// naming its target, without user info.
func refuseRedirect(req *http.Request, via []*http.Request) error {
	return fmt.Errorf("refusing to follow a redirect to %s: set the tenant's url to the address Odoo answers on", req.URL.Redacted())
}

// newTransport is a keep-alive transport sized for many concurrent calls to
// one host.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 0, // the per-call context bounds the wait
	}
}

// Close closes the idle connections of the client's own transport (a
// Config.HTTPClient is left alone: others may share it); calls made
// afterwards fail with KindUnavailable. Calls in flight finish normally.
func (c *Client) Close() {
	c.isClosed.Store(true)
	if c.own != nil {
		c.own.CloseIdleConnections()
	}
}

// UID returns the cached user id, 0 before the first successful login.
func (c *Client) UID() int64 { return c.uid.Load() }

// Protocol returns the protocol in use, "xmlrpc" or "json2". A client
// configured with "auto" reports "auto" until a version detection (Version,
// or the first call) has decided.
func (c *Client) Protocol() string {
	if p := c.proto.Load(); p != nil {
		return *p
	}
	return ProtocolAuto
}

// withTimeout applies the per-call timeout.
func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}

// finish completes a public call: it names the call in the error, scrubs
// secrets, logs and reports to Observe.
func (c *Client) finish(model, method string, start time.Time, err error) error {
	d := time.Since(start)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			// A login's error is shared by every caller waiting on it:
			// adjust a copy.
			cp := *e
			e = &cp
		} else {
			e = &Error{Kind: KindProtocol, Message: err.Error(), cause: err}
		}
		if e.Method == "" {
			e.Method, e.Model = method, model
		}
		e.Message = c.redact(e.Message)
		e.Traceback = c.redact(e.Traceback)
		err = e
		c.log.Debug("odoo call failed", "model", model, "method", method, "duration", d,
			"kind", e.Kind.String(), "class", e.Class, "code", e.Code, "error", e.Error())
		if e.Traceback != "" {
			c.log.Debug("odoo traceback", "model", model, "method", method, "traceback", e.Traceback)
		}
	} else {
		c.log.Debug("odoo call", "model", model, "method", method, "duration", d)
	}
	if c.cfg.Observe != nil {
		c.cfg.Observe(model, method, d, err)
	}
	return err
}

// redact removes the configured secrets from text that came back from the
// server or the network.
func (c *Client) redact(s string) string {
	for _, sec := range c.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "REDACTED")
		}
	}
	return s
}

// ExecuteKW calls any public method of a model: args are the positional
// arguments, kwargs the keyword arguments. Method names starting with "_"
// are refused before the wire with KindAccessError. The client logs in
// lazily and, when Odoo answers AccessDenied, logs in again once and
// retries.
func (c *Client) ExecuteKW(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	start := time.Now()
	v, err := c.execute(ctx, call{model: model, method: method, args: args, kwargs: kwargs})
	if err != nil {
		return nil, c.finish(model, method, start, err)
	}
	c.finish(model, method, start, nil)
	return v, nil
}

// call is one ORM call before protocol-specific shaping.
type call struct {
	model, method string
	args          []any
	kwargs        map[string]any
}

func (c *Client) execute(ctx context.Context, cl call) (any, error) {
	if err := checkNames(cl.model, cl.method); err != nil {
		return nil, err
	}
	if c.isClosed.Load() {
		return nil, &Error{Kind: KindUnavailable, Message: "client closed"}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	proto, err := c.resolveProtocol(ctx)
	if err != nil {
		return nil, err
	}
	major := c.major()
	if proto == ProtocolJSON2 {
		return c.json2Execute(ctx, major, cl)
	}
	return c.xmlrpcExecute(ctx, major, cl)
}

// checkNames refuses malformed model names and private methods before
// anything reaches the wire.
func checkNames(model, method string) error {
	if model == "" || len(model) > 128 {
		return &Error{Kind: KindProtocol, Message: fmt.Sprintf("invalid model name %q", model)}
	}
	for i := 0; i < len(model); i++ {
		ch := model[i]
		if !(ch == '_' || ch == '.' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
			return &Error{Kind: KindProtocol, Message: fmt.Sprintf("invalid model name %q", model)}
		}
	}
	if strings.HasPrefix(method, "_") {
		return &Error{Kind: KindAccessError, Class: "AccessError",
			Message: fmt.Sprintf("Private methods (such as '%s.%s') cannot be called remotely.", model, method)}
	}
	if !isMethodName(method) || strings.Contains(method, ".") {
		return &Error{Kind: KindProtocol, Message: fmt.Sprintf("invalid method name %q", method)}
	}
	return nil
}

// idempotent lists the methods safe to retry after a transport error: they
// only read. Writes are never retried, since a lost reply may hide a commit.
var idempotent = map[string]bool{
	"search": true, "search_read": true, "read": true, "search_count": true,
	"fields_get": true, "name_search": true, "read_group": true,
	"formatted_read_group": true, "has_access": true, "version": true,
	"authenticate": true, "context_get": true, "version_info": true,
}

// retry runs fn up to c.retries times when method is idempotent and the
// failure is a transport error, backing off between attempts.
func (c *Client) retry(ctx context.Context, method string, fn func() (any, error)) (any, error) {
	attempts := 1
	if idempotent[method] {
		attempts = c.retries
	}
	backoff := c.retryBackoff
	for i := 1; ; i++ {
		v, err := fn()
		var e *Error
		if err == nil || i >= attempts || !errors.As(err, &e) || e.Kind != KindTransport || ctx.Err() != nil {
			return v, err
		}
		c.log.Debug("odoo call retrying", "method", method, "attempt", i, "error", c.redact(err.Error()))
		// Jitter keeps many clients from retrying in lockstep.
		wait := backoff/2 + rand.N(backoff/2+1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, err
		case <-t.C:
		}
		backoff *= 2
	}
}

// request is one HTTP exchange to make.
type request struct {
	path   string
	ctype  string
	body   []byte
	header http.Header
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// exchange makes one HTTP POST through the circuit breaker and hands the
// reply to decode. The body slice is only valid during decode.
func (c *Client) exchange(ctx context.Context, r request, decode func(status int, h http.Header, body []byte) (any, error)) (any, error) {
	probe, berr := c.brk.allow()
	if berr != nil {
		return nil, berr
	}
	v, err := c.doExchange(ctx, r, decode)
	o := outcomeSuccess
	msg := ""
	var e *Error
	if err != nil && errors.As(err, &e) && e.Kind == KindTransport {
		o, msg = outcomeFailure, c.redact(e.Message)
		if errors.Is(err, context.Canceled) {
			o = outcomeNeutral
		}
	}
	c.brk.done(probe, o, msg)
	return v, err
}

func (c *Client) doExchange(ctx context.Context, r request, decode func(int, http.Header, []byte) (any, error)) (any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+r.path, bytes.NewReader(r.body))
	if err != nil {
		return nil, &Error{Kind: KindProtocol, Message: "cannot build request: " + err.Error()}
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", r.ctype)
	req.Header.Set("User-Agent", "odoo-mcpd")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, transportErr(ctx, r.path, err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > c.maxBytes {
		return nil, &Error{Kind: KindProtocol, Code: resp.StatusCode, Message: fmt.Sprintf(
			"reply of %d bytes from %s exceeds the %d-byte cap", resp.ContentLength, r.path, c.maxBytes)}
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		// Do not keep huge buffers alive in the pool.
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		return nil, transportErr(ctx, r.path, err)
	}
	if n > c.maxBytes {
		return nil, &Error{Kind: KindProtocol, Code: resp.StatusCode, Message: fmt.Sprintf(
			"reply from %s exceeds the %d-byte cap", r.path, c.maxBytes)}
	}
	return decode(resp.StatusCode, resp.Header, buf.Bytes())
}

// transportErr describes a failed exchange; it wraps the cause so
// errors.Is(err, context.DeadlineExceeded) still works.
func transportErr(ctx context.Context, path string, err error) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	where := "POST " + path + ": "
	if path == "" {
		where = ""
	}
	msg := where + err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		msg = where + "no reply before the deadline"
		if !errors.Is(err, context.DeadlineExceeded) {
			err = errors.Join(err, context.DeadlineExceeded)
		}
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		msg = where + "call canceled"
		if !errors.Is(err, context.Canceled) {
			err = errors.Join(err, context.Canceled)
		}
	}
	return &Error{Kind: KindTransport, Message: msg, cause: err}
}

// statusErr describes a non-200 reply that is not the protocol's own error
// format: a proxy's error page, a missing route. 5xx, 408 and 429 are
// KindTransport; other statuses KindProtocol.
func statusErr(status int, path string, body []byte) *Error {
	what := snippet(body)
	if isHTML(body) {
		what = " (an HTML page"
		if t := htmlTitle(body); t != "" {
			what += fmt.Sprintf(" titled %q", t)
		}
		what += ")"
	}
	// Only a failing or overloaded server is a transport error (retried,
	// counted by the breaker); any other refusal is permanent for this
	// request, and a healthy Odoo behind a strict proxy must not trip the
	// breaker.
	kind := KindProtocol
	if status >= 500 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests {
		kind = KindTransport
	}
	return &Error{Kind: kind, Code: status, Message: fmt.Sprintf("HTTP %d %s from POST %s%s",
		status, http.StatusText(status), path, what)}
}

// flight runs one fn at a time and lets concurrent callers share its
// result (single-flight). fn runs detached from any one caller's
// cancellation, bounded by the client's timeout, so one impatient caller
// does not fail the others.
type flight[T any] struct {
	mu  sync.Mutex
	cur *flightCall[T]
}

type flightCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func (f *flight[T]) do(ctx context.Context, timeout time.Duration, fn func(context.Context) (T, error)) (T, error) {
	f.mu.Lock()
	fc := f.cur
	if fc == nil {
		fc = &flightCall[T]{done: make(chan struct{})}
		f.cur = fc
		// The starting caller's deadline (usually the call timeout itself)
		// bounds the flight; without one, the client's timeout does.
		dl, ok := ctx.Deadline()
		if !ok {
			dl = time.Now().Add(timeout)
		}
		fctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), dl)
		go func() {
			defer cancel()
			fc.val, fc.err = fn(fctx)
			f.mu.Lock()
			f.cur = nil
			f.mu.Unlock()
			close(fc.done)
		}()
	}
	f.mu.Unlock()
	select {
	case <-fc.done:
		return fc.val, fc.err
	case <-ctx.Done():
		var zero T
		return zero, transportErr(ctx, "", ctx.Err())
	}
}
