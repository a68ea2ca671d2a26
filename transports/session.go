package transports

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
)

// sessionPrefix starts every session id we issue; the rest is 32 hex digits
// of crypto/rand output, so ids are unguessable.
const sessionPrefix = "mcp-session-"

func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails on supported platforms (Go 1.24+)
	return sessionPrefix + hex.EncodeToString(b[:])
}

func wellFormedSessionID(id string) bool {
	rest, ok := strings.CutPrefix(id, sessionPrefix)
	if !ok || len(rest) != 32 {
		return false
	}
	_, err := hex.DecodeString(rest)
	return err == nil && strings.ToLower(rest) == rest
}

var (
	errBadSessionID     = errors.New("malformed session id")
	errUnknownSessionID = errors.New("unknown session id")
)

// sessionRegistry is the mcp-go SessionIdManager of a Streamable handler.
//
// Strict (stateful) mode accepts only ids it issued and has not ended, so
// an unknown or expired id gets 404 and the client starts over, as the MCP
// spec prescribes. Lenient (stateless) mode accepts any well-formed id, so
// ids survive a restart and any replica can answer; it still tracks the ids
// it sees so the active-session gauge and idle expiry work.
//
// Unlike mcp-go's InsecureStatefulSessionIdManager it forgets ended ids
// instead of keeping them forever: an ended id is simply unknown.
type sessionRegistry struct {
	strict bool
	obs    Observer

	mu   sync.Mutex
	live map[string]struct{}
}

func newSessionRegistry(strict bool, obs Observer) *sessionRegistry {
	return &sessionRegistry{strict: strict, obs: obs, live: map[string]struct{}{}}
}

// Generate issues a new session id.
func (s *sessionRegistry) Generate() string {
	id := newSessionID()
	s.mu.Lock()
	s.live[id] = struct{}{}
	s.mu.Unlock()
	s.obs.SessionOpened(TransportHTTP)
	return id
}

// Validate accepts id or says why not; mcp-go answers 404 to any error.
func (s *sessionRegistry) Validate(id string) (isTerminated bool, err error) {
	if !wellFormedSessionID(id) {
		return false, errBadSessionID
	}
	s.mu.Lock()
	_, ok := s.live[id]
	if !ok && !s.strict {
		s.live[id] = struct{}{}
	}
	s.mu.Unlock()
	if ok {
		return false, nil
	}
	if s.strict {
		return false, errUnknownSessionID
	}
	s.obs.SessionOpened(TransportHTTP)
	return false, nil
}

// Terminate ends id (client DELETE, idle expiry or Close).
func (s *sessionRegistry) Terminate(id string) (isNotAllowed bool, err error) {
	s.mu.Lock()
	_, ok := s.live[id]
	delete(s.live, id)
	s.mu.Unlock()
	if ok {
		s.obs.SessionClosed(TransportHTTP)
	}
	return false, nil
}

// known reports whether id is a live session.
func (s *sessionRegistry) known(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.live[id]
	return ok
}

func (s *sessionRegistry) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// endAll forgets every session, for Close.
func (s *sessionRegistry) endAll() {
	s.mu.Lock()
	n := len(s.live)
	clear(s.live)
	s.mu.Unlock()
	for range n {
		s.obs.SessionClosed(TransportHTTP)
	}
}
