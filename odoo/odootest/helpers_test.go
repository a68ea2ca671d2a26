package odootest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// encodeCall builds an XML-RPC request the way Python's client does.
func encodeCall(t testing.TB, method string, params ...any) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n")
	for _, p := range params {
		b.WriteString("<param>\n")
		if err := encodeValue(&b, p); err != nil {
			t.Fatalf("encodeCall: %v", err)
		}
		b.WriteString("</param>\n")
	}
	b.WriteString("</params>\n</methodCall>\n")
	return b.Bytes()
}

// post sends a raw body to the handler and returns the recorder.
func post(h http.Handler, path, ctype string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// client calls one simulator as a given user.
type client struct {
	t        testing.TB
	h        http.Handler
	uid      int64
	password string
}

func newClient(t testing.TB, s *Server) *client {
	return &client{t: t, h: s.Handler(), uid: AdminUID, password: "admin"}
}

func (c *client) as(uid int64, password string) *client {
	cc := *c
	cc.uid, cc.password = uid, password
	return &cc
}

func (c *client) raw(service, method string, params ...any) *decodedResponse {
	c.t.Helper()
	rec := post(c.h, "/xmlrpc/2/"+service, "text/xml", encodeCall(c.t, method, params...))
	if rec.Code != 200 {
		c.t.Fatalf("%s.%s: HTTP %d", service, method, rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		c.t.Fatalf("%s.%s: Content-Type %q", service, method, ct)
	}
	r, err := parseResponse(rec.Body.Bytes())
	if err != nil {
		c.t.Fatalf("%s.%s: reply does not parse: %v\n%s", service, method, err, rec.Body.String())
	}
	return r
}

// kw calls execute_kw and returns the decoded reply (value or fault).
func (c *client) kw(model, method string, args []any, kwargs dict) *decodedResponse {
	c.t.Helper()
	params := []any{DB, c.uid, c.password, model, method, args}
	if kwargs != nil {
		params = append(params, kwargs)
	}
	return c.raw("object", "execute_kw", params...)
}

// ok calls execute_kw and fails the test on a fault.
func (c *client) ok(model, method string, args []any, kwargs dict) any {
	c.t.Helper()
	r := c.kw(model, method, args, kwargs)
	if r.fault {
		c.t.Fatalf("%s.%s: unexpected fault %v: %s", model, method, r.code, lastLine(r.faultText))
	}
	return r.value
}

// fault calls execute_kw and returns the fault code and the fault's
// message (last traceback line for code 1).
func (c *client) fault(model, method string, args []any, kwargs dict) (int64, string) {
	c.t.Helper()
	r := c.kw(model, method, args, kwargs)
	if !r.fault {
		c.t.Fatalf("%s.%s: got %s, want a fault", model, method, pyReprValue(r.value))
	}
	code, _ := r.code.(int64)
	if code == 1 {
		return code, lastLine(r.faultText)
	}
	return code, r.faultText
}

func l(items ...any) []any { return items }

// ids extracts the "id" of each row of a search_read/read result.
func ids(t testing.TB, v any) []int64 {
	t.Helper()
	rows, ok := v.([]any)
	if !ok {
		t.Fatalf("want a list of rows, got %T", v)
	}
	out := make([]int64, 0, len(rows))
	for _, r := range rows {
		switch x := r.(type) {
		case dict:
			id, _ := x.get("id")
			out = append(out, id.(int64))
		case int64:
			out = append(out, x)
		default:
			t.Fatalf("unexpected row %T", r)
		}
	}
	return out
}

func col(t testing.TB, row any, name string) any {
	t.Helper()
	d, ok := row.(dict)
	if !ok {
		t.Fatalf("row is %T, want a struct", row)
	}
	v, ok := d.get(name)
	if !ok {
		t.Fatalf("row has no %q: %s", name, pyReprValue(d))
	}
	return v
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
