package transports

import "time"

// Observer receives the transport-level numbers the daemon exports as
// metrics. Implementations must be safe for concurrent use and fast: they
// run on the request path.
type Observer interface {
	// ObserveRequest is called once per HTTP request that reached a guard,
	// rejected or not. d is the time until the response header was written,
	// which for a stream is the time to open it, not its lifetime.
	ObserveRequest(transport string, status int, d time.Duration)
	// SessionOpened and SessionClosed bracket one MCP session (a Streamable
	// HTTP session id, an SSE stream, a stdio pipe), for an active-sessions
	// gauge.
	SessionOpened(transport string)
	SessionClosed(transport string)
}

type nopObserver struct{}

func (nopObserver) ObserveRequest(string, int, time.Duration) {}
func (nopObserver) SessionOpened(string)                      {}
func (nopObserver) SessionClosed(string)                      {}

func observerOrNop(o Observer) Observer {
	if o == nil {
		return nopObserver{}
	}
	return o
}
