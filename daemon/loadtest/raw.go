package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// rawCaller speaks Streamable HTTP with nothing but net/http: one POST
// per call with a body encoded once, the answer read whole and checked for
// a result that is not a tool error. It shows the gateway's cost with the
// client's own JSON work taken out (mcp-go's client decodes every answer
// several times over).
type rawCaller struct {
	hc      *http.Client
	url     string
	session string
	headers map[string]string
	body    []byte
}

func (c *rawCaller) post(ctx context.Context, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Protocol-Version", ProtocolVersion)
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	return c.hc.Do(req)
}

func (c *rawCaller) exchange(ctx context.Context, body []byte) ([]byte, http.Header, error) {
	resp, err := c.post(ctx, body)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	return b, resp.Header, nil
}

var (
	resultKey = []byte(`"result"`)
	isErrorKV = []byte(`"isError":true`)
)

func (c *rawCaller) Call(ctx context.Context) error {
	b, _, err := c.exchange(ctx, c.body)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, resultKey) || bytes.Contains(b, isErrorKV) {
		return fmt.Errorf("answer is not a successful result: %.300s", b)
	}
	return nil
}

func (c *rawCaller) Close() error {
	if c.session == "" {
		return nil
	}
	req, err := http.NewRequest(http.MethodDelete, c.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Mcp-Session-Id", c.session)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// RawStreamableHTTP returns callers that each initialize a session with
// plain HTTP requests, then POST the tool call as pre-encoded JSON-RPC.
func RawStreamableHTTP(url string, call ToolCall, hc *http.Client, headers map[string]string) NewCaller {
	return func(ctx context.Context, _ int) (Caller, error) {
		c := &rawCaller{hc: hc, url: url, headers: headers}
		init, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": map[string]any{
			"protocolVersion": ProtocolVersion, "capabilities": map[string]any{},
			"clientInfo": map[string]any{"name": "odoo-mcpload-raw", "version": "1"},
		}})
		if err != nil {
			return nil, err
		}
		b, h, err := c.exchange(ctx, init)
		if err != nil {
			return nil, fmt.Errorf("initialize %s: %w", url, err)
		}
		if !bytes.Contains(b, resultKey) {
			return nil, fmt.Errorf("initialize %s: %.300s", url, b)
		}
		c.session = h.Get("Mcp-Session-Id")
		if _, _, err := c.exchange(ctx, []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)); err != nil {
			return nil, fmt.Errorf("initialized %s: %w", url, err)
		}
		c.body, err = json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call",
			"params": map[string]any{"name": call.Name, "arguments": call.Args}})
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}
