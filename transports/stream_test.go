package transports

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/server"
)

// unixPair returns the two ends of a real unix socket connection.
func unixPair(t *testing.T) (srvEnd, cliEnd net.Conn) {
	t.Helper()
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "s"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	cliEnd, err = net.Dial("unix", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srvEnd, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { srvEnd.Close(); cliEnd.Close() })
	return srvEnd, cliEnd
}

// serveOnPair runs ServeStream on a fresh pair and returns the client end
// and the channel ServeStream's result arrives on.
func serveOnPair(t *testing.T, ctx context.Context, srv *server.MCPServer, cfg StreamConfig) (net.Conn, <-chan error) {
	t.Helper()
	s, c := unixPair(t)
	done := make(chan error, 1)
	go func() { done <- cfg.Serve(ctx, srv, s, s) }()
	return c, done
}

func waitServe(t *testing.T, ctx context.Context, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ServeStream = %v, want nil", err)
		}
	case <-ctx.Done():
		t.Fatal("ServeStream did not return")
	}
}

func TestServeStreamConcurrentSessions(t *testing.T) {
	ctx := testCtx(t)
	srv := newEchoServer()
	obs := newCountObserver()

	// Several pipes on one server at once: what mcp-go's stdio server,
	// with its single package-level session, cannot do.
	const n = 3
	var wg sync.WaitGroup
	for i := range n {
		conn, done := serveOnPair(t, ctx, srv, StreamConfig{
			Client:   Client{Addr: "uid:1000", Transport: "ignored"},
			Observer: obs,
		})
		wg.Go(func() {
			tr := transport.NewIO(conn, conn, io.NopCloser(strings.NewReader("")))
			c := client.NewClient(tr, client.WithProtocolVersion(pinnedVersion),
				client.WithElicitationHandler(nameElicitor{name: "user" + string(rune('A'+i))}))
			initClient(t, ctx, c)
			if got := callText(t, ctx, c, "echo", map[string]any{"text": "x"}); got != "x|stdio||uid:1000" {
				t.Errorf("echo = %q", got)
			}
			// Elicitation goes back over this stream, to this client only.
			want := "accept:user" + string(rune('A'+i))
			if got := callText(t, ctx, c, "ask", nil); got != want {
				t.Errorf("ask = %q, want %q", got, want)
			}
			if err := c.Close(); err != nil {
				t.Errorf("client Close: %v", err)
			}
			waitServe(t, ctx, done)
		})
	}
	wg.Wait()
	if got := obs.active(TransportStdio); got != 0 {
		t.Errorf("active stdio sessions after all closed = %d", got)
	}
}

func TestServeStreamCancel(t *testing.T) {
	ctx := testCtx(t)
	sctx, cancel := context.WithCancel(ctx)
	conn, done := serveOnPair(t, sctx, newEchoServer(), StreamConfig{})
	tr := transport.NewIO(conn, conn, io.NopCloser(strings.NewReader("")))
	c := client.NewClient(tr, client.WithProtocolVersion(pinnedVersion))
	t.Cleanup(func() { _ = c.Close() })
	initClient(t, ctx, c)
	cancel() // the peer is idle and says nothing: ServeStream must still end
	waitServe(t, ctx, done)
}

// TestServeStreamBadInput feeds raw lines and checks each answer.
func TestServeStreamBadInput(t *testing.T) {
	ctx := testCtx(t)
	conn, done := serveOnPair(t, ctx, newEchoServer(), StreamConfig{MaxMessageBytes: 512})
	br := bufio.NewReader(conn)
	send := func(s string) {
		t.Helper()
		if _, err := io.WriteString(conn, s+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	recv := func() map[string]any {
		t.Helper()
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("read answer: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("answer %q is not JSON: %v", line, err)
		}
		return m
	}
	errCode := func(m map[string]any) float64 {
		e, _ := m["error"].(map[string]any)
		c, _ := e["code"].(float64)
		return c
	}

	send(`this is not json`)
	if m := recv(); errCode(m) != -32700 || m["id"] != nil {
		t.Errorf("garbage: answer %v, want parse error with null id", m)
	}
	send(`{"jsonrpc":"2.0","id":7,"method":"ping","params":{"pad":"` + strings.Repeat("x", 1000) + `"}}`)
	if m := recv(); errCode(m) != -32600 {
		t.Errorf("oversize line: answer %v, want invalid request", m)
	}
	send(`{"jsonrpc":"2.0","id":99,"result":{}}`) // a response nobody asked for: ignored
	send(``)                                      // blank lines are skipped
	send(`{"jsonrpc":"1.0","id":8,"method":"ping"}`)
	if m := recv(); errCode(m) != -32600 || m["id"] != float64(8) {
		t.Errorf("wrong jsonrpc version: answer %v", m)
	}
	send(`{"jsonrpc":"2.0","id":9,"method":"no/such/method"}`)
	if m := recv(); errCode(m) != -32601 || m["id"] != float64(9) {
		t.Errorf("unknown method: answer %v", m)
	}
	send(`{"jsonrpc":"2.0","id":"s1","method":"ping"}`)
	if m := recv(); m["id"] != "s1" || m["result"] == nil {
		t.Errorf("ping after bad input: answer %v", m)
	}
	// Half-close: EOF on the server's input ends the session cleanly.
	if err := conn.(*net.UnixConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	waitServe(t, ctx, done)
}

// TestServeStreamClientLeavesDuringElicitation: a tool waiting on the
// client must not hang the session when the client goes away.
func TestServeStreamClientLeavesDuringElicitation(t *testing.T) {
	ctx := testCtx(t)
	conn, done := serveOnPair(t, ctx, newEchoServer(), StreamConfig{})
	br := bufio.NewReader(conn)
	for _, m := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"raw","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","arguments":{}}}`,
	} {
		if _, err := io.WriteString(conn, m+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("waiting for the elicitation request: %v", err)
		}
		if strings.Contains(line, `"elicitation/create"`) {
			break
		}
	}
	if err := conn.(*net.UnixConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	// Requests run concurrently, so the initialize answer may come late:
	// look for the answer to id 2.
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the tool answer: %v", err)
		}
		var m struct {
			ID     any     `json:"id"`
			Method *string `json:"method"`
		}
		if json.Unmarshal([]byte(line), &m) != nil || m.Method != nil || m.ID != float64(2) {
			continue
		}
		if !strings.Contains(line, "client closed the stream") {
			t.Errorf("tool answer after client left = %s", line)
		}
		break
	}
	waitServe(t, ctx, done)
}

// TestServeStreamPeerStopsReading: a peer that never reads its answers
// cannot keep ServeStream from ending when ctx is cancelled.
func TestServeStreamPeerStopsReading(t *testing.T) {
	ctx := testCtx(t)
	sctx, cancel := context.WithCancel(ctx)
	srvEnd, cliEnd := net.Pipe() // unbuffered: the first answer blocks
	defer srvEnd.Close()
	defer cliEnd.Close()
	done := make(chan error, 1)
	go func() { done <- ServeStream(sctx, newEchoServer(), srvEnd, srvEnd, Client{}) }()
	// Enough pings to fill every queue; the writes to the pipe block too
	// once the server stops reading, so they run on their own.
	entered := make(chan struct{})
	go func() {
		for i := range 200 {
			if i == 1 {
				close(entered) // the first one is in: its answer is stuck
			}
			msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`+"\n", i)
			if _, err := io.WriteString(cliEnd, msg); err != nil {
				return
			}
		}
	}()
	<-entered
	cancel()
	waitServe(t, ctx, done)
}
