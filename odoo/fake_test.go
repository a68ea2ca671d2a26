package odoo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/kolo/xmlrpc"
)

// fakeOdoo is a scripted XML-RPC server for client behaviour tests: it
// answers authenticate and execute_kw from funcs the test sets, and counts
// calls. (The full simulator lives in odoo/odootest.)
type fakeOdoo struct {
	srv *httptest.Server

	mu      sync.Mutex
	calls   map[string]int // "authenticate", "version", "res.partner.search", ...
	last    []any          // params of the last execute_kw
	auth    func(login, password string) any
	execute func(model, method string, args []any, kw map[string]any) []byte
	hook    func(w http.ResponseWriter, r *http.Request) bool // true: handled
}

func newFakeOdoo(t *testing.T) *fakeOdoo {
	f := &fakeOdoo{calls: map[string]int{}}
	f.auth = func(login, password string) any {
		if login == "admin" && password == "admin" {
			return int64(2)
		}
		return false
	}
	f.execute = func(model, method string, args []any, kw map[string]any) []byte {
		return xmlValue(true)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOdoo) count(k string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[k]
}

func (f *fakeOdoo) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	hook := f.hook
	f.mu.Unlock()
	if hook != nil && hook(w, r) {
		return
	}
	body, _ := io.ReadAll(r.Body)
	method, params, err := parseCall(body)
	if err != nil {
		w.Write(xmlFault(1, "Traceback (most recent call last):\n  File \"x\"\nxml.parsers.expat.ExpatError: "+err.Error()))
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	switch r.URL.Path + " " + method {
	case "/xmlrpc/2/common version":
		f.inc("version")
		w.Write(xmlValue(map[string]any{"server_version": "18.0", "server_version_info": []any{18, 0, 0, "final", 0, ""}, "server_serie": "18.0", "protocol_version": 1}))
	case "/xmlrpc/2/common authenticate":
		f.inc("authenticate")
		login, _ := params[1].(string)
		pw, _ := params[2].(string)
		f.mu.Lock()
		auth := f.auth
		f.mu.Unlock()
		w.Write(xmlValue(auth(login, pw)))
	case "/xmlrpc/2/object execute_kw":
		model, _ := params[3].(string)
		m, _ := params[4].(string)
		args, _ := params[5].([]any)
		var kw map[string]any
		if len(params) > 6 {
			kw, _ = params[6].(map[string]any)
		}
		f.mu.Lock()
		f.calls[model+"."+m]++
		f.calls["execute_kw"]++
		f.last = params
		exec := f.execute
		f.mu.Unlock()
		w.Write(exec(model, m, args, kw))
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeOdoo) inc(k string) {
	f.mu.Lock()
	f.calls[k]++
	f.mu.Unlock()
}

// parseCall decodes a methodCall with kolo's decoder, one param at a time.
func parseCall(body []byte) (string, []any, error) {
	var mc struct {
		Name   string `xml:"methodName"`
		Params []struct {
			Inner []byte `xml:",innerxml"`
		} `xml:"params>param"`
	}
	if err := xml.Unmarshal(body, &mc); err != nil {
		return "", nil, err
	}
	out := make([]any, len(mc.Params))
	for i, p := range mc.Params {
		var v any
		wrapped := append(append([]byte("<methodResponse><params><param>"), p.Inner...), "</param></params></methodResponse>"...)
		if err := xmlrpc.Response(wrapped).Unmarshal(&v); err != nil {
			return "", nil, err
		}
		if err := fixValue(&v, 0); err != nil {
			return "", nil, err
		}
		out[i] = v
	}
	return mc.Name, out, nil
}

// xmlValue renders a methodResponse holding v, with kolo's encoder.
func xmlValue(v any) []byte {
	call, err := xmlrpc.EncodeMethodCall("x", v)
	if err != nil {
		panic(err)
	}
	i := bytes.Index(call, []byte("<params>"))
	j := bytes.LastIndex(call, []byte("</params>"))
	return []byte(`<?xml version="1.0"?>` + "\n<methodResponse>\n" + string(call[i:j+len("</params>")]) + "\n\n</methodResponse>\n")
}

// xmlFault renders a fault the way /xmlrpc/2 does.
func xmlFault(code int, msg string) []byte {
	var esc bytes.Buffer
	xml.EscapeText(&esc, []byte(msg))
	return fmt.Appendf(nil, `<?xml version="1.0"?>
<methodResponse>
<fault>
<value><struct>
<member>
<name>faultCode</name>
<value><int>%d</int></value>
</member>
<member>
<name>faultString</name>
<value><string>%s</string></value>
</member>
</struct></value>
</fault>

</methodResponse>
`, code, esc.String())
}
