package transports

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestGuardSlowBody: a client that announces a body and then sends it a
// byte at a time, or not at all, must not hold a connection and a handler
// forever; the guard gives up after BodyTimeout with a 408.
func TestGuardSlowBody(t *testing.T) {
	st := NewStreamableHTTP(newEchoServer(), StreamableOptions{})
	ts := httptest.NewServer(Guard(AccessPolicy{BodyTimeout: 100 * time.Millisecond}, st))
	t.Cleanup(func() {
		_ = st.Close(context.Background())
		ts.Close()
	})
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /mcp HTTP/1.1\r\nHost: "+ts.Listener.Addr().String()+
		"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"jsonrpc\":")
	// A test of the guard's bound, not of this one: long enough for a
	// loaded machine, short of forever.
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a stalled body: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "body") {
		t.Errorf("stalled body answered %d %s, want 408 naming the body", resp.StatusCode, body)
	}
}
