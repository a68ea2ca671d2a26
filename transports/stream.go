package transports

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// DefaultMaxMessageBytes caps one newline-delimited message on a stream
// when StreamConfig leaves MaxMessageBytes at 0.
const DefaultMaxMessageBytes = 4 << 20

// maxInflight bounds the requests one stream runs at once; beyond it the
// stream stops reading until one finishes, which pushes back on the peer.
const maxInflight = 32

// StreamConfig configures one MCP session over a byte stream.
type StreamConfig struct {
	// Client is put into every request's context; its Transport is set to
	// TransportStdio.
	Client Client
	// Observer, when set, sees the session open and close.
	Observer Observer
	// MaxMessageBytes caps one message; 0 means DefaultMaxMessageBytes. A
	// longer line is answered with a JSON-RPC error and skipped.
	MaxMessageBytes int
}

// ServeStream runs one MCP session of srv over a newline-delimited
// JSON-RPC byte stream (the stdio pipe): requests are read from r, answers,
// notifications and server requests (elicitation, sampling, roots) written
// to w. It returns nil when r reaches EOF or ctx is cancelled, after the
// session's requests have finished and the session is unregistered.
//
// Unlike mcp-go's stdio server, which keeps one session per process, any
// number of ServeStream calls may run at once on one server.
func ServeStream(ctx context.Context, srv *server.MCPServer, r io.Reader, w io.Writer, c Client) error {
	return StreamConfig{Client: c}.Serve(ctx, srv, r, w)
}

// Serve is ServeStream with the settings of cfg.
func (cfg StreamConfig) Serve(ctx context.Context, srv *server.MCPServer, r io.Reader, w io.Writer) error {
	maxMsg := cfg.MaxMessageBytes
	if maxMsg <= 0 {
		maxMsg = DefaultMaxMessageBytes
	}
	obs := observerOrNop(cfg.Observer)
	client := cfg.Client
	client.Transport = TransportStdio

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sess := newStreamSession(cancel)
	// Cancellation must not wait on a peer that stopped reading: writes
	// give up once the session is dead.
	stopKill := context.AfterFunc(ctx, func() { sess.kill() })
	defer stopKill()
	drain := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		sess.writer(w, drain)
	}()
	if err := srv.RegisterSession(ctx, sess); err != nil {
		return fmt.Errorf("register stream session: %w", err)
	}
	obs.SessionOpened(TransportStdio)
	defer obs.SessionClosed(TransportStdio)
	defer srv.UnregisterSession(context.WithoutCancel(ctx), sess.id)

	reqCtx := WithClient(srv.WithContext(ctx, sess), client)

	pumpDone := make(chan struct{})
	go func() {
		defer close(pumpDone)
		sess.pump(ctx)
	}()

	lines := make(chan []byte)
	readErr := make(chan error, 1)
	readerDone := make(chan struct{})
	defer close(readerDone)
	go func() {
		readErr <- readLines(r, maxMsg, lines, readerDone, func() {
			sess.write(errorMessage(nil, mcp.INVALID_REQUEST, fmt.Sprintf("message exceeds %d bytes", maxMsg)))
		})
	}()

	var inflight sync.WaitGroup
	sem := make(chan struct{}, maxInflight)
	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case e := <-readErr:
			if e != nil && !errors.Is(e, io.EOF) && !errors.Is(e, net.ErrClosed) {
				err = fmt.Errorf("read stream: %w", e)
			}
			break loop
		case line := <-lines:
			switch kind, id := classify(line); kind {
			case msgInvalid:
				sess.write(errorMessage(nil, mcp.PARSE_ERROR, "parse error: not a JSON-RPC message"))
			case msgResponse:
				sess.deliver(id, line)
			case msgNotification:
				handle(reqCtx, srv, line)
			case msgRequest:
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					break loop
				}
				inflight.Go(func() {
					defer func() { <-sem }()
					if resp := handle(reqCtx, srv, line); resp != nil {
						sess.write(resp)
					}
				})
			}
		}
	}
	// The peer can no longer answer server requests; fail them so the
	// handlers waiting on them return.
	sess.failPending(errStreamClosed)
	waitDone := make(chan struct{})
	go func() { inflight.Wait(); close(waitDone) }()
	select {
	case <-waitDone:
	case <-ctx.Done():
		<-waitDone // handlers see ctx cancelled and return
	}
	// Let the answers already queued reach the peer, unless it stopped
	// reading and ctx ends first.
	close(drain)
	select {
	case <-writerDone:
	case <-ctx.Done():
	}
	cancel()
	<-pumpDone
	return err
}

var errStreamClosed = errors.New("client closed the stream")

// handle runs one message through srv; a panic in a handler becomes an
// internal error answer instead of ending the process.
func handle(ctx context.Context, srv *server.MCPServer, line []byte) (resp mcp.JSONRPCMessage) {
	defer func() {
		if p := recover(); p != nil {
			_, id := classify(line)
			if id == nil {
				resp = nil
				return
			}
			resp = errorMessage(id, mcp.INTERNAL_ERROR, "internal error")
		}
	}()
	return srv.HandleMessage(ctx, json.RawMessage(line))
}

type msgKind int

const (
	msgInvalid msgKind = iota
	msgRequest
	msgNotification
	msgResponse
)

// classify sorts a message by its JSON-RPC shape and returns its raw id.
func classify(line []byte) (msgKind, json.RawMessage) {
	var env struct {
		ID     json.RawMessage `json:"id"`
		Method *string         `json:"method"`
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(line, &env); err != nil {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] == '[' {
			// A batch: let mcp-go answer it as the protocol says.
			return msgRequest, nil
		}
		return msgInvalid, nil
	}
	hasID := len(env.ID) > 0 && !bytes.Equal(env.ID, []byte("null"))
	switch {
	case env.Method != nil && hasID:
		return msgRequest, env.ID
	case env.Method != nil:
		return msgNotification, nil
	case hasID && (env.Result != nil || env.Error != nil):
		return msgResponse, env.ID
	}
	// Neither: mcp-go answers it with the proper error if it has an id.
	if hasID {
		return msgRequest, env.ID
	}
	return msgInvalid, nil
}

func errorMessage(id json.RawMessage, code int, msg string) any {
	var rid any
	if id != nil {
		rid = id
	}
	return struct {
		JSONRPC string `json:"jsonrpc"`
		ID      any    `json:"id"`
		Error   struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}{JSONRPC: mcp.JSONRPC_VERSION, ID: rid, Error: struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{code, msg}}
}

// readLines sends each non-blank line of r (without its newline) to out
// until r fails or done closes. A line longer than max is skipped and
// reported through tooLong.
func readLines(r io.Reader, max int, out chan<- []byte, done <-chan struct{}, tooLong func()) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	skipping := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !skipping {
			if len(buf)+len(chunk) > max+1 { // +1: the newline
				skipping = true
				buf = buf[:0]
				tooLong()
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if skipping {
			skipping = errors.Is(err, bufio.ErrBufferFull)
			buf = buf[:0]
			if err != nil {
				return err
			}
			continue
		}
		content := bytes.TrimSuffix(buf, []byte("\n"))
		if len(content) > max {
			// Only possible for a last line without a newline.
			tooLong()
			return err
		}
		line := bytes.TrimSpace(content)
		if len(line) > 0 {
			msg := bytes.Clone(line)
			select {
			case out <- msg:
			case <-done:
				return nil
			}
		}
		buf = buf[:0]
		if err != nil {
			return err
		}
	}
}

// streamSession is the mcp-go ClientSession of one stream. It lets the
// server send notifications and make requests (elicitation, sampling,
// roots) to the client on the other end.
type streamSession struct {
	id            string
	notifications chan mcp.JSONRPCNotification
	initialized   atomic.Bool
	logLevel      atomic.Value // mcp.LoggingLevel
	onDead        context.CancelFunc

	// Messages go through out to one writer goroutine, so no handler ever
	// blocks on the peer for longer than the session lives.
	out      chan []byte
	dead     chan struct{} // closed when nothing more can be written
	deadOnce sync.Once

	infoMu     sync.Mutex
	clientInfo mcp.Implementation
	clientCaps mcp.ClientCapabilities
	protocol   string

	nextID  atomic.Int64
	pmu     sync.Mutex
	pending map[string]chan callResult
	closed  error // set by failPending: no new calls
}

type callResult struct {
	result json.RawMessage
	err    error
}

func newStreamSession(onDead context.CancelFunc) *streamSession {
	id := "stdio-" + newSessionID()[len(sessionPrefix):]
	return &streamSession{
		id:            id,
		notifications: make(chan mcp.JSONRPCNotification, 100),
		onDead:        onDead,
		out:           make(chan []byte, 64),
		dead:          make(chan struct{}),
		pending:       map[string]chan callResult{},
	}
}

// write queues one message as a line; it gives up when the session is
// dead.
func (s *streamSession) write(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	select {
	case s.out <- append(b, '\n'):
	case <-s.dead:
	}
}

// kill marks the session dead: the peer is gone (a write failed) or the
// session is over.
func (s *streamSession) kill() {
	s.deadOnce.Do(func() {
		close(s.dead)
		s.onDead()
	})
}

// writer writes queued messages to w until the session dies or, once
// drain is closed, the queue is empty.
func (s *streamSession) writer(w io.Writer, drain <-chan struct{}) {
	for {
		select {
		case b := <-s.out:
			if _, err := w.Write(b); err != nil {
				s.kill()
				return
			}
		case <-s.dead:
			return
		case <-drain:
			for {
				select {
				case b := <-s.out:
					if _, err := w.Write(b); err != nil {
						s.kill()
						return
					}
				default:
					return
				}
			}
		}
	}
}

// pump writes server notifications until ctx ends.
func (s *streamSession) pump(ctx context.Context) {
	for {
		select {
		case n := <-s.notifications:
			s.write(n)
		case <-ctx.Done():
			return
		}
	}
}

// SessionID implements server.ClientSession.
func (s *streamSession) SessionID() string { return s.id }

// NotificationChannel implements server.ClientSession.
func (s *streamSession) NotificationChannel() chan<- mcp.JSONRPCNotification {
	return s.notifications
}

// Initialize implements server.ClientSession.
func (s *streamSession) Initialize() { s.initialized.Store(true) }

// Initialized implements server.ClientSession.
func (s *streamSession) Initialized() bool { return s.initialized.Load() }

// SetLogLevel implements server.SessionWithLogging.
func (s *streamSession) SetLogLevel(l mcp.LoggingLevel) { s.logLevel.Store(l) }

// GetLogLevel implements server.SessionWithLogging.
func (s *streamSession) GetLogLevel() mcp.LoggingLevel {
	if l, ok := s.logLevel.Load().(mcp.LoggingLevel); ok {
		return l
	}
	return mcp.LoggingLevelError
}

// GetClientInfo implements server.SessionWithClientInfo.
func (s *streamSession) GetClientInfo() mcp.Implementation {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	return s.clientInfo
}

// SetClientInfo implements server.SessionWithClientInfo.
func (s *streamSession) SetClientInfo(i mcp.Implementation) {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	s.clientInfo = i
}

// GetClientCapabilities implements server.SessionWithClientInfo.
func (s *streamSession) GetClientCapabilities() mcp.ClientCapabilities {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	return s.clientCaps
}

// SetClientCapabilities implements server.SessionWithClientInfo.
func (s *streamSession) SetClientCapabilities(c mcp.ClientCapabilities) {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	s.clientCaps = c
}

// SetProtocolVersion records the version negotiated at initialize.
func (s *streamSession) SetProtocolVersion(v string) {
	s.infoMu.Lock()
	defer s.infoMu.Unlock()
	s.protocol = v
}

// RequestElicitation implements server.SessionWithElicitation.
func (s *streamSession) RequestElicitation(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return callFor[mcp.ElicitationResult](ctx, s, string(mcp.MethodElicitationCreate), req.Params, "elicitation")
}

// RequestSampling implements server.SessionWithSampling.
func (s *streamSession) RequestSampling(ctx context.Context, req mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	res, err := callFor[mcp.CreateMessageResult](ctx, s, string(mcp.MethodSamplingCreateMessage), req.CreateMessageParams, "sampling")
	if err != nil {
		return nil, err
	}
	content, err := mcp.ParseSamplingContent(res.Content)
	if err != nil {
		return nil, fmt.Errorf("sampling result content: %w", err)
	}
	res.Content = content
	return res, nil
}

// ListRoots implements server.SessionWithRoots.
func (s *streamSession) ListRoots(ctx context.Context, req mcp.ListRootsRequest) (*mcp.ListRootsResult, error) {
	return callFor[mcp.ListRootsResult](ctx, s, string(mcp.MethodListRoots), nil, "roots")
}

// callFor sends a request to the client and decodes its result as T; what
// names the result in errors.
func callFor[T any](ctx context.Context, s *streamSession, method string, params any, what string) (*T, error) {
	raw, err := s.call(ctx, method, params)
	if err != nil {
		return nil, err
	}
	var res T
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("%s result: %w", what, err)
	}
	return &res, nil
}

// call sends a request to the client and waits for its answer.
func (s *streamSession) call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	id := s.nextID.Add(1)
	key := strconv.FormatInt(id, 10)
	ch := make(chan callResult, 1)
	s.pmu.Lock()
	if s.closed != nil {
		err := s.closed
		s.pmu.Unlock()
		return nil, err
	}
	s.pending[key] = ch
	s.pmu.Unlock()
	defer func() {
		s.pmu.Lock()
		delete(s.pending, key)
		s.pmu.Unlock()
	}()

	msg := struct {
		JSONRPC string `json:"jsonrpc"`
		ID      int64  `json:"id"`
		Method  string `json:"method"`
		Params  any    `json:"params,omitempty"`
	}{mcp.JSONRPC_VERSION, id, method, params}
	s.write(msg)
	select {
	case r := <-ch:
		return r.result, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.dead:
		return nil, fmt.Errorf("%s: %w", method, errStreamClosed)
	}
}

// deliver hands a client's response to the call waiting for it. Responses
// nobody waits for (late, or to ids we never sent) are dropped.
func (s *streamSession) deliver(id json.RawMessage, line []byte) {
	key := string(bytes.TrimSpace(id))
	if n, err := strconv.Unquote(key); err == nil {
		key = n // the client echoed our numeric id as a string
	}
	s.pmu.Lock()
	ch := s.pending[key]
	s.pmu.Unlock()
	if ch == nil {
		return
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	var r callResult
	if err := json.Unmarshal(line, &resp); err != nil {
		r.err = fmt.Errorf("malformed response from client: %w", err)
	} else if resp.Error != nil {
		r.err = fmt.Errorf("client answered error %d: %s", resp.Error.Code, resp.Error.Message)
	} else {
		r.result = resp.Result
	}
	select {
	case ch <- r:
	default:
	}
}

// failPending ends every waiting call with err and refuses new ones.
func (s *streamSession) failPending(err error) {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	s.closed = err
	for _, ch := range s.pending {
		select {
		case ch <- callResult{err: err}:
		default:
		}
	}
}

var (
	_ server.ClientSession          = (*streamSession)(nil)
	_ server.SessionWithLogging     = (*streamSession)(nil)
	_ server.SessionWithClientInfo  = (*streamSession)(nil)
	_ server.SessionWithElicitation = (*streamSession)(nil)
	_ server.SessionWithSampling    = (*streamSession)(nil)
	_ server.SessionWithRoots       = (*streamSession)(nil)
)
