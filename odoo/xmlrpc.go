package odoo

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/kolo/xmlrpc"
)

// encodeCall builds an XML-RPC methodCall. Each element of params is one
// <param>: kolo's variadic EncodeMethodCall is given them one by one, so a
// single []any argument stays one array instead of being spread out.
func encodeCall(method string, params ...any) (body []byte, err error) {
	if !isMethodName(method) {
		return nil, fmt.Errorf("invalid XML-RPC method name %q", method)
	}
	wire := make([]any, len(params))
	for i, p := range params {
		if wire[i], err = wireValue(p, 0, true); err != nil {
			return nil, fmt.Errorf("param %d: %w", i+1, err)
		}
	}
	// kolo's encoder walks values with reflect; recover keeps a type it
	// mishandles from taking the process down.
	defer func() {
		if r := recover(); r != nil {
			body, err = nil, fmt.Errorf("cannot encode call %s: %v", method, r)
		}
	}()
	return xmlrpc.EncodeMethodCall(method, wire...)
}

// maxDepth bounds nesting in what we send and accept, so a cyclic or absurd
// value fails cleanly.
const maxDepth = 64

// wireValue rewrites a Go value into what Odoo reads correctly through
// kolo's encoder (and, with xmlKeys false, through encoding/json for
// JSON-2): nil becomes false (kolo would send <value/>, which Odoo
// reads as ""), struct keys are XML-escaped (kolo writes them raw),
// time.Time becomes Odoo's "YYYY-MM-DD HH:MM:SS" UTC string, and types kolo
// would mangle are refused. Containers are copied only when something in
// them changes.
func wireValue(v any, depth int, xmlKeys bool) (any, error) {
	if depth > maxDepth {
		return nil, errors.New("value nested too deeply")
	}
	switch x := v.(type) {
	case nil:
		return false, nil
	case bool, string, int, int8, int16, int32, int64, uint8, uint16, uint32:
		return v, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("cannot send %v: Odoo has no NaN or infinity", x)
		}
		return v, nil
	case float32:
		return wireValue(float64(x), depth, xmlKeys)
	case []int64, []int, []string, []bool:
		return v, nil
	case []float64:
		for _, f := range x {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("cannot send %v: Odoo has no NaN or infinity", f)
			}
		}
		return v, nil
	case time.Time:
		return x.UTC().Format(time.DateTime), nil
	case Secret:
		return nil, errors.New("refusing to send a Secret as a value")
	case []any:
		var out []any
		for i, e := range x {
			w, err := wireValue(e, depth+1, xmlKeys)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			if out == nil && !sameValue(w, e) {
				out = make([]any, len(x))
				copy(out, x[:i])
			}
			if out != nil {
				out[i] = w
			}
		}
		if out == nil {
			return x, nil
		}
		return out, nil
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			w, err := wireValue(e, depth+1, xmlKeys)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			ek := k
			if xmlKeys {
				ek = escapeKey(k)
			}
			if out == nil && (ek != k || !sameValue(w, e)) {
				out = make(map[string]any, len(x))
				for k2, e2 := range x {
					if xmlKeys {
						k2 = escapeKey(k2)
					}
					out[k2] = e2
				}
			}
			if out != nil {
				out[ek] = w
			}
		}
		if out == nil {
			return x, nil
		}
		return out, nil
	}
	return wireReflect(reflect.ValueOf(v), depth, xmlKeys)
}

// wireReflect handles the remaining shapes (typed slices and maps, pointers,
// named basic types) by converting them to the plain forms above.
func wireReflect(rv reflect.Value, depth int, xmlKeys bool) (any, error) {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return false, nil
		}
		return wireValue(rv.Elem().Interface(), depth+1, xmlKeys)
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("integer %d out of range", u)
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		return wireValue(rv.Float(), depth, xmlKeys)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return []any{}, nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			w, err := wireValue(rv.Index(i).Interface(), depth+1, xmlKeys)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = w
		}
		return out, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map key type %s: XML-RPC struct keys are strings", rv.Type().Key())
		}
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k := it.Key().String()
			w, err := wireValue(it.Value().Interface(), depth+1, xmlKeys)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if xmlKeys {
				k = escapeKey(k)
			}
			out[k] = w
		}
		return out, nil
	}
	if !rv.IsValid() {
		return false, nil
	}
	return nil, fmt.Errorf("unsupported value type %s", rv.Type())
}

// sameValue reports whether wireValue left e untouched. Only comparable
// scalars can be compared; containers that were rewritten come back as new
// values whose identity differs.
func sameValue(w, e any) bool {
	if e == nil {
		return false
	}
	switch ev := e.(type) {
	case []any:
		wv, ok := w.([]any)
		return ok && len(wv) == len(ev) && (len(ev) == 0 || &wv[0] == &ev[0])
	case map[string]any:
		wv, ok := w.(map[string]any)
		return ok && reflect.ValueOf(wv).UnsafePointer() == reflect.ValueOf(ev).UnsafePointer()
	}
	if !reflect.TypeOf(e).Comparable() || reflect.TypeOf(w) != reflect.TypeOf(e) {
		return false
	}
	return w == e
}

// escapeKey XML-escapes a struct key, which kolo writes verbatim.
func escapeKey(k string) string {
	if !strings.ContainsAny(k, "<>&'\"\r\n\t") && isXMLText(k) {
		return k
	}
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(k))
	return b.String()
}

// isXMLText reports whether s holds only characters XML 1.0 allows.
func isXMLText(s string) bool {
	for _, r := range s {
		if r == 0xFFFD || !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
	}
	return true
}

// isMethodName accepts the names kolo may write unescaped: XML-RPC method
// names are identifiers with dots.
func isMethodName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

var (
	tagFault          = []byte("<fault>")
	tagMethodResponse = []byte("<methodResponse")
)

// decodeResponse turns an XML-RPC reply body into a value, or an *Error for
// a fault (Kind by Odoo's fault table) or an unreadable reply (KindProtocol).
// It never panics.
func decodeResponse(body []byte) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, protoErr("reply could not be decoded: %v", r)
		}
	}()
	if isHTML(body) {
		msg := "got an HTML page instead of an XML-RPC reply"
		if t := htmlTitle(body); t != "" {
			msg = fmt.Sprintf("got an HTML page titled %q instead of an XML-RPC reply", t)
		}
		return nil, &Error{Kind: KindTransport, Message: msg}
	}
	// The fast path only accepts a well-formed params reply, so a fault or
	// anything odd falls through to the checks and kolo below.
	if v, ok := fastDecode(body); ok {
		return v, nil
	}
	if !bytes.Contains(body, tagMethodResponse) {
		return nil, protoErr("reply is not an XML-RPC methodResponse%s", snippet(body))
	}
	resp := xmlrpc.Response(body)
	if bytes.Contains(body, tagFault) {
		ferr := resp.Err()
		var fe xmlrpc.FaultError
		if errors.As(ferr, &fe) {
			return nil, faultError(fe.Code, fe.String)
		}
		if ferr != nil {
			return nil, protoErr("malformed fault in reply: %v", ferr)
		}
	}
	if err := resp.Unmarshal(&v); err != nil {
		return nil, protoErr("malformed XML-RPC reply: %v", err)
	}
	if err := fixValue(&v, 0); err != nil {
		return nil, err
	}
	return v, nil
}

// fixValue replaces the nils kolo produces for empty elements
// (<string></string>, <string/>, <value/>) with "", so a decoded value is
// never nil, and bounds nesting depth.
func fixValue(v *any, depth int) error {
	if depth > maxDepth {
		return protoErr("reply nested more than %d levels deep", maxDepth)
	}
	switch x := (*v).(type) {
	case nil:
		*v = ""
	case []any:
		for i := range x {
			if err := fixValue(&x[i], depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			switch e.(type) {
			case nil:
				x[k] = ""
			case []any, map[string]any:
				if err := fixValue(&e, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func protoErr(format string, args ...any) *Error {
	return &Error{Kind: KindProtocol, Message: fmt.Sprintf(format, args...)}
}

// isHTML recognises the error pages proxies (nginx, haproxy, a CDN) send in
// place of Odoo's answer.
func isHTML(body []byte) bool {
	head := bytes.TrimLeft(body[:min(len(body), 512)], " \t\r\n\ufeff")
	if len(head) > 64 {
		head = head[:64]
	}
	lower := bytes.ToLower(head)
	return bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) ||
		bytes.HasPrefix(lower, []byte("<head")) || bytes.HasPrefix(lower, []byte("<body")) || bytes.HasPrefix(lower, []byte("<h1"))
}

// htmlTitle returns the page's <title> (or first heading), which usually
// names the proxy's complaint ("502 Bad Gateway"), or "".
func htmlTitle(body []byte) string {
	lower := bytes.ToLower(body[:min(len(body), 4096)])
	for _, tag := range []string{"title", "h1"} {
		i := bytes.Index(lower, []byte("<"+tag+">"))
		if i < 0 {
			continue
		}
		rest := body[i+len(tag)+2 : len(lower)]
		j := bytes.Index(bytes.ToLower(rest), []byte("</"+tag))
		if j < 0 {
			continue
		}
		t := strings.Join(strings.Fields(string(rest[:j])), " ")
		if t != "" {
			return clip(t, 120)
		}
	}
	return ""
}

// snippet quotes the start of an unexpected body for an error message.
func snippet(body []byte) string {
	s := strings.Join(strings.Fields(string(body[:min(len(body), 200)])), " ")
	if s == "" {
		return " (empty body)"
	}
	return fmt.Sprintf(" (starts %q)", clip(s, 80))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
