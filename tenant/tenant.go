package tenant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// Options are the runtime dependencies the daemon hands a tenant.
type Options struct {
	// Logger receives the tenant's log lines; the daemon has already added
	// the tenant's name to it.
	Logger *slog.Logger
	// Audit is an optional extra sink for audit lines (a JSONL file).
	Audit *slog.Logger
	// HTTPClient is used by the Odoo client when set.
	HTTPClient *http.Client
	// ObserveOdoo, when set, is called after every call to Odoo, for the
	// daemon's metrics.
	ObserveOdoo func(model, method string, seconds float64, failed bool)
}

// odooAPI is the part of the Odoo client the tenant calls. *odoo.Client
// implements it; unit tests may substitute their own.
type odooAPI interface {
	ExecuteKW(ctx context.Context, model, method string, args []any, kwargs map[string]any) (any, error)
	// The calls whose method or arguments differ between Odoo versions go
	// through the client's typed helpers, which own those differences.
	NameSearch(ctx context.Context, model, name string, domain []any, limit int, o *odoo.CallOptions) ([]odoo.NameResult, error)
	ReadGroup(ctx context.Context, model string, domain []any, fields, groupby []string, o *odoo.ReadGroupOptions) ([]map[string]any, error)
	HasAccess(ctx context.Context, model, operation string, o *odoo.CallOptions) (bool, error)
	Version(ctx context.Context) (*odoo.Version, error)
	Authenticate(ctx context.Context) (int64, error)
	UID() int64
	Protocol() string
	Close()
}

// backendFactory builds the Odoo client for a config. observe is called
// after every Odoo call, for the tenant's statistics.
type backendFactory func(cfg Config, opts Options, observe func(model, method string, d time.Duration, err error)) (odooAPI, error)

func newOdooClient(cfg Config, opts Options, observe func(model, method string, d time.Duration, err error)) (odooAPI, error) {
	c, err := odoo.New(odoo.Config{
		URL:              cfg.URL,
		DB:               cfg.DB,
		Username:         cfg.Username,
		Password:         cfg.Password,
		APIKey:           cfg.APIKey,
		Protocol:         cfg.Protocol,
		Timeout:          cfg.Timeout,
		HTTPClient:       opts.HTTPClient,
		Logger:           opts.Logger,
		Observe:          observe,
		MaxResponseBytes: 0,
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Tenant is one tenant's runtime: its Odoo client, its policy and the MCP
// server that exposes them. It is safe for concurrent use.
type Tenant struct {
	name    string
	opts    Options
	log     *slog.Logger
	factory backendFactory
	srv     *server.MCPServer
	stats   *stats
	subs    *subscriptions

	st atomic.Pointer[state]
	// rotated is closed, and replaced, when Update brings a new generation
	// of credentials, and closed for good by Close: calls waiting for new
	// credentials wait on it.
	rotated atomic.Pointer[chan struct{}]
	clock   clock

	mu        sync.Mutex // serializes Update, Start and Close
	writeOn   bool       // write tools currently registered
	closed    bool
	cancel    context.CancelFunc
	startDone chan struct{}
}

// state is everything a config decides. Handlers load it once per call, so
// an Update never changes the rules halfway through a call.
type state struct {
	// mu is held for reading by every call using this state, and for
	// writing by retire, so the Odoo client is closed only once no call
	// needs it any more.
	mu      sync.RWMutex
	retired bool

	cfg    Config
	pol    *policy
	odoo   *backend
	fields *ttlCache[map[string]fieldMeta]
	// visible is fields with the policy's hidden fields taken out; every
	// call looks fields up, and filtering hundreds of them each time was
	// the largest cost of a small search.
	visible *ttlCache[map[string]fieldMeta]
	models  *ttlCache[[]modelInfo]
	info    *ttlCache[*serverInfo]
}

// New builds a tenant from its config: the Odoo client and the MCP server
// with every tool, resource and prompt. It does no network I/O.
func New(cfg Config, opts Options) (*Tenant, error) {
	return newTenant(cfg, opts, newOdooClient)
}

func newTenant(cfg Config, opts Options, factory backendFactory) (*Tenant, error) {
	if cfg.Name == "" {
		return nil, errors.New("tenant: config has no name")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	t := &Tenant{name: cfg.Name, opts: opts, log: opts.Logger, factory: factory, stats: newStats(), subs: newSubscriptions(), clock: realClock}
	rotated := make(chan struct{})
	t.rotated.Store(&rotated)
	st, err := t.buildState(cfg, nil)
	if err != nil {
		return nil, err
	}
	t.st.Store(st)

	hooks := &server.Hooks{}
	subscriptionHooks(hooks, t.subs)
	hooks.AddAfterInitialize(func(ctx context.Context, _ any, _ *mcp.InitializeRequest, res *mcp.InitializeResult) {
		res.Instructions = t.instructions(ctx)
	})
	hooks.AddAfterDiscover(func(ctx context.Context, _ any, _ *mcp.DiscoverRequest, res *mcp.DiscoverResult) {
		res.Instructions = t.instructions(ctx)
	})
	t.srv = server.NewMCPServer("odoo-mcpd/"+cfg.Name, "1",
		server.WithToolCapabilities(true),
		server.WithResourceCapabilities(true, true),
		server.WithPromptCapabilities(true),
		server.WithCompletions(),
		server.WithElicitation(),
		server.WithLogging(),
		server.WithRecovery(),
		server.WithResourceRecovery(),
		server.WithHooks(hooks),
		server.WithInstructions(genericInstructions),
		server.WithResourceCompletionProvider(completer{t}),
		server.WithPromptCompletionProvider(completer{t}),
	)
	t.srv.AddTools(t.toolsFor(false)...)
	if !st.pol.readOnly {
		t.srv.AddTools(t.toolsFor(true)...)
		t.writeOn = true
	}
	t.addResources()
	t.addPrompts()
	return t, nil
}

// buildState builds the state for cfg; old is the state it replaces, nil
// for the first.
func (t *Tenant) buildState(cfg Config, old *state) (*state, error) {
	pol, err := newPolicy(cfg)
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", cfg.Name, err)
	}
	observe := t.stats.observeOdoo
	if o := t.opts.ObserveOdoo; o != nil {
		observe = func(model, method string, d time.Duration, err error) {
			t.stats.observeOdoo(model, method, d, err)
			o(model, method, d.Seconds(), err != nil)
		}
	}
	client, err := t.factory(cfg, t.opts, observe)
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", cfg.Name, err)
	}
	return &state{
		cfg:     cfg,
		pol:     pol,
		odoo:    t.newBackend(cfg, client, old),
		fields:  newTTLCache[map[string]fieldMeta](10 * time.Minute),
		visible: newTTLCache[map[string]fieldMeta](10 * time.Minute),
		models:  newTTLCache[[]modelInfo](10 * time.Minute),
		info:    newTTLCache[*serverInfo](10 * time.Minute),
	}, nil
}

// Name returns the tenant's name.
func (t *Tenant) Name() string { return t.name }

// Config returns the config the tenant runs with now.
func (t *Tenant) Config() Config { return t.st.Load().cfg }

// MCPServer returns the MCP server the transports mount. It stays the same
// server for the tenant's life, across Updates.
func (t *Tenant) MCPServer() *server.MCPServer { return t.srv }

// Update applies new settings for the same tenant in place: a new Odoo
// client and policy are swapped in, and the write tools are added or
// removed when read_only changed. Open MCP sessions keep working; a call
// already running finishes under the settings it started with, except that
// a call Odoo refuses on the old credentials is tried once on the new ones.
// When only the password or API key changed, the previous credentials stay
// in use until Odoo accepts the new ones, for a bounded time (rotate.go).
func (t *Tenant) Update(cfg Config) error {
	if cfg.Name != t.name {
		return fmt.Errorf("tenant %s: update names another tenant (%q)", t.name, cfg.Name)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return fmt.Errorf("tenant %s: closed", t.name)
	}
	st, err := t.buildState(cfg, t.st.Load())
	if err != nil {
		return err
	}
	old := t.st.Swap(st)
	if st.odoo.own.gen != old.odoo.own.gen {
		next := make(chan struct{})
		close(*t.rotated.Swap(&next))
		if st.odoo.prev != nil {
			t.log.Info("credentials changed; the previous ones stay in use until Odoo accepts the new ones", "grace", rotationGrace.String())
		}
	}
	if !st.pol.readOnly && !t.writeOn {
		t.srv.AddTools(t.toolsFor(true)...)
		t.writeOn = true
	} else if st.pol.readOnly && t.writeOn {
		names := []string{}
		for _, tool := range t.toolsFor(true) {
			names = append(names, tool.Tool.Name)
		}
		t.srv.DeleteTools(names...)
		t.writeOn = false
	}
	go old.retire()
	t.stats.setState("starting")
	t.log.Info("tenant updated", "read_only", cfg.ReadOnly, "url", cfg.URL, "db", cfg.DB)
	go t.probe(context.Background())
	return nil
}

// Start detects the Odoo version and logs in, in the background. Serving
// does not wait for it: a tenant whose Odoo is down still answers, with
// tool errors that say so.
func (t *Tenant) Start(ctx context.Context) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || t.cancel != nil {
		return
	}
	ctx, t.cancel = context.WithCancel(ctx)
	t.startDone = make(chan struct{})
	go func() {
		defer close(t.startDone)
		t.probe(ctx)
	}()
}

// probeSlots bounds the logins running at once in the process. A daemon
// starting a thousand tenants otherwise opened a thousand connections and
// ran a thousand logins at the same moment, and the memory that burst took
// stayed with the process.
var probeSlots = make(chan struct{}, 32)

// probeTimeout bounds the background login.
const probeTimeout = 30 * time.Second

func (t *Tenant) probe(ctx context.Context) {
	// The wait for a slot is not part of the login's time limit.
	select {
	case probeSlots <- struct{}{}:
		defer func() { <-probeSlots }()
	case <-ctx.Done():
		return
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	st := t.st.Load()
	res := t.login(ctx, st)
	if t.st.Load() != st || (ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled)) {
		return // superseded by an Update, or closed
	}
	if !res.OK {
		if st.odoo.inGrace(t.clock.now()) {
			t.log.Warn("odoo refused the new credentials; calls go on with the previous ones until it accepts them",
				"err", res.Error, "until", st.odoo.graceUntil.Format(time.RFC3339))
			return
		}
		t.log.Warn("odoo login failed", "err", res.Error)
		return
	}
	t.log.Info("odoo ready", "odoo_version", res.OdooVersion, "protocol", res.Protocol, "uid", res.UID)
	// Warm what initialize's instructions need, so clients that connect
	// next do not wait for Odoo.
	if _, err := t.serverInfo(ctx, st); err != nil {
		t.log.Debug("reading server details failed", "err", describeError(err))
	}
}

// login asks Odoo for its version and logs in, always on the wire (never
// from a cache), and records the outcome in the tenant's state. It tries
// the configured credentials only, never the previous ones, so it says
// whether those work.
func (t *Tenant) login(ctx context.Context, st *state) ctlapi.CheckResult {
	res := ctlapi.CheckResult{Tenant: t.name}
	start := time.Now()
	own := st.odoo.own
	v, err := own.client.Version(ctx)
	if err == nil {
		res.OdooVersion = v.ServerVersion
		var uid int64
		uid, err = own.client.Authenticate(ctx)
		res.UID = uid
		t.note(own, err)
	}
	res.RoundTrip = ctlapi.Duration(time.Since(start))
	res.Protocol = own.client.Protocol()
	if err != nil {
		res.Error = describeError(err)
		t.stats.setState("degraded")
		t.stats.noteError(res.Error)
		return res
	}
	res.OK = true
	t.stats.setVersion(res.OdooVersion, res.Protocol)
	t.stats.setState("ready")
	return res
}

// Check logs in to Odoo now and reports how that went.
func (t *Tenant) Check(ctx context.Context) (ctlapi.CheckResult, error) {
	st, release, err := t.acquire()
	if err != nil {
		return ctlapi.CheckResult{Tenant: t.name, Error: err.Error()}, err
	}
	defer release()
	return t.login(ctx, st), nil
}

// Close stops the background work and releases the Odoo client. It is
// safe to call more than once and after a partial start.
func (t *Tenant) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.stats.setState("stopping")
	cancel, done := t.cancel, t.startDone
	// Calls waiting for new credentials give up now rather than hold the
	// state's retirement for the rest of their wait.
	close(*t.rotated.Load())
	t.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	t.st.Load().retire()
	return nil
}

// errStopped answers calls that reach a tenant after Close.
var errStopped = errors.New("this tenant is stopping: its configuration was removed or the daemon is shutting down")

// acquire returns the current state, held until release is called, so an
// Update cannot close its Odoo client under a running call. After Close it
// returns errStopped.
func (t *Tenant) acquire() (*state, func(), error) {
	for {
		st := t.st.Load()
		st.mu.RLock()
		if !st.retired {
			return st, st.mu.RUnlock, nil
		}
		st.mu.RUnlock()
		if t.st.Load() == st {
			// Retired and never replaced: Close ran.
			return nil, nil, errStopped
		}
		// Swapped out between Load and RLock: take the new one.
	}
}

// retire waits for the calls using the state to finish, then closes its
// Odoo client.
func (st *state) retire() {
	st.mu.Lock()
	st.retired = true
	st.mu.Unlock()
	st.odoo.release()
}

// ttlCache holds values per key for a while. Values are computed outside
// the lock; two concurrent misses both compute, which is harmless.
type ttlCache[V any] struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v  V
	at time.Time
}

func newTTLCache[V any](ttl time.Duration) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, m: map[string]ttlEntry[V]{}}
}

func (c *ttlCache[V]) get(key string, fill func() (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && time.Since(e.at) < c.ttl {
		return e.v, nil
	}
	v, err := fill()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if len(c.m) > 2000 {
		clear(c.m)
	}
	c.m[key] = ttlEntry[V]{v: v, at: time.Now()}
	c.mu.Unlock()
	return v, nil
}

func (c *ttlCache[V]) peek(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || time.Since(e.at) >= c.ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}
