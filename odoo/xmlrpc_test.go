package odoo

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEncodeCall(t *testing.T) {
	tests := []struct {
		name   string
		method string
		params []any
		want   []any  // what a server decodes, param by param
		err    string // substring of the error
	}{
		{"single []any stays one param", "execute_kw", []any{[]any{[]any{"a", "=", int64(1)}}},
			[]any{[]any{[]any{"a", "=", int64(1)}}}, ""},
		{"nil becomes false", "m", []any{nil, map[string]any{"parent_id": nil}, []any{nil}},
			[]any{false, map[string]any{"parent_id": false}, []any{false}}, ""},
		{"typed nil pointer becomes false", "m", []any{(*int)(nil)}, []any{false}, ""},
		{"struct keys escaped", "m", []any{map[string]any{"a<b>&c": "x<y"}}, []any{map[string]any{"a<b>&c": "x<y"}}, ""},
		{"time as Odoo string", "m", []any{time.Date(2026, 11, 24, 18, 30, 0, 0, time.FixedZone("CET", 3600))},
			[]any{"2026-11-24 17:30:00"}, ""},
		{"typed containers", "m", []any{[]int64{1, 2}, map[string]int{"a": 1}, []float64{1.5}, [2]string{"x", "y"}},
			[]any{[]any{int64(1), int64(2)}, map[string]any{"a": int64(1)}, []any{1.5}, []any{"x", "y"}}, ""},
		{"empty string", "m", []any{""}, []any{""}, ""},
		{"method name with markup", "a<b", nil, nil, "invalid XML-RPC method name"},
		{"NaN", "m", []any{math.NaN()}, nil, "NaN"},
		{"Inf in slice", "m", []any{[]float64{math.Inf(1)}}, nil, "infinity"},
		{"secret", "m", []any{NewSecret("x")}, nil, "refusing to send a Secret"},
		{"func", "m", []any{func() {}}, nil, "unsupported value type"},
		{"struct", "m", []any{struct{ A int }{1}}, nil, "unsupported value type"},
		{"int map keys", "m", []any{map[int]string{1: "a"}}, nil, "struct keys are strings"},
		{"too deep", "m", []any{deep(maxDepth + 2)}, nil, "nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := encodeCall(tt.method, tt.params...)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("encodeCall(%q, %v) error = %v, want %q", tt.method, tt.params, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("encodeCall(%q, %v) error = %v", tt.method, tt.params, err)
			}
			method, got, err := parseCall(body)
			if err != nil {
				t.Fatalf("encodeCall(%q) produced XML that does not parse: %v\n%s", tt.method, err, body)
			}
			if method != tt.method || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("encodeCall(%q, %v) decodes to %q %s, want %s", tt.method, tt.params, method, format(got), format(tt.want))
			}
		})
	}
}

func deep(n int) any {
	var v any = "leaf"
	for range n {
		v = []any{v}
	}
	return v
}

func TestWireValueDoesNotCopyCleanValues(t *testing.T) {
	args := []any{[]any{"a", "=", int64(1)}}
	got, err := wireValue(args, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if &got.([]any)[0] != &args[0] {
		t.Error("wireValue copied a slice that needed no change")
	}
	m := map[string]any{"name": "x"}
	gm, _ := wireValue(m, 0, true)
	gm.(map[string]any)["probe"] = 1
	if _, ok := m["probe"]; !ok {
		t.Error("wireValue copied a map that needed no change")
	}
	withNil := map[string]any{"a": nil}
	if _, err := wireValue(withNil, 0, true); err != nil || withNil["a"] != nil {
		t.Errorf("wireValue modified its input: %v", withNil)
	}
}

func TestDecodeEmptyValues(t *testing.T) {
	wrap := func(v string) []byte {
		return []byte(`<?xml version="1.0"?><methodResponse><params><param><value>` + v + `</value></param></params></methodResponse>`)
	}
	tests := []struct {
		in   string
		want any
	}{
		{"<string></string>", ""},
		{"<string/>", ""},
		{"", ""},
		{"<string>x</string>", "x"},
		{"<boolean>0</boolean>", false},
		{"<int>-3</int>", int64(-3)},
		{"<i4>7</i4>", int64(7)},
		{"<double>3000000000.0</double>", 3e9},
		{"<array><data>\n</data></array>", []any{}},
		{"<array><data><value><string></string></value><value><string/></value></data></array>", []any{"", ""}},
		{"<struct><member><name>a</name><value><string></string></value></member></struct>", map[string]any{"a": ""}},
		{"<struct><member><name>a</name><value><array><data><value><string></string></value></data></array></value></member></struct>",
			map[string]any{"a": []any{""}}},
		{"<string>a &amp; &lt;b&gt;</string>", "a & <b>"},
	}
	for _, tt := range tests {
		got, err := decodeResponse(wrap(tt.in))
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("decodeResponse(%q) = %s, %v; want %s", tt.in, format(got), err, format(tt.want))
		}
	}
}

func TestParseTraceback(t *testing.T) {
	tests := []struct {
		in, class, msg string
	}{
		{"Traceback (most recent call last):\n  File \"a.py\", line 1, in f\n    x()\nValueError: Invalid leaf ('a', 'b', 'c')\n", "ValueError", "Invalid leaf ('a', 'b', 'c')"},
		{"Traceback (most recent call last):\n  File \"a.py\"\nKeyError: 'bogus'\n\n\n", "KeyError", "'bogus'"},
		{"Traceback (most recent call last):\n  File \"a.py\"\nodoo.exceptions.UserError: nope\n", "UserError", "nope"},
		{"Traceback (most recent call last):\n  File \"a.py\"\nValueError: first line\nsecond line\n", "ValueError", "first line\nsecond line"},
		{"Traceback (most recent call last):\n  File \"a.py\"\nStopIteration\n", "", "StopIteration"},
		{"Traceback (most recent call last):\n  File \"a.py\"\nRecursionError\n", "RecursionError", ""},
		{"Traceback (most recent call last):\n  File \"a\"\nKeyError: 'x'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"b\"\nTypeError: y: z\n", "TypeError", "y: z"},
		{"just a message", "", "just a message"},
		{"Error: with colon: inside", "Error", "with colon: inside"},
		{"", "", ""},
		{"\n\n", "", ""},
	}
	for _, tt := range tests {
		class, msg := parseTraceback(tt.in)
		if class != tt.class || msg != tt.msg {
			t.Errorf("parseTraceback(%q) = %q, %q; want %q, %q", tt.in, class, msg, tt.class, tt.msg)
		}
	}
}

func TestFaultCodes(t *testing.T) {
	tests := []struct {
		code       int
		s          string
		kind       Kind
		class, msg string
	}{
		{3, "Access Denied", KindAccessDenied, "AccessDenied", "Access Denied"},
		{4, "You are not allowed", KindAccessError, "AccessError", "You are not allowed"},
		{2, "Object x doesn't exist", KindUserError, "UserError", "Object x doesn't exist"},
		{2, "Record does not exist or has been deleted.\n(Record: x(1,), User: 2)", KindUserError, "MissingError", "Record does not exist or has been deleted.\n(Record: x(1,), User: 2)"},
		{1, "Traceback (most recent call last):\n  File \"x\"\nodoo.exceptions.AccessDenied: nope\n", KindAccessDenied, "AccessDenied", "nope"},
		{1, "Traceback (most recent call last):\n  File \"x\"\nTypeError: cannot marshal None unless allow_none is enabled\n", KindServer, "TypeError", "cannot marshal None unless allow_none is enabled"},
		{99, "", KindServer, "", "fault 99 with no message"},
	}
	for _, tt := range tests {
		e := faultError(tt.code, tt.s)
		if e.Kind != tt.kind || e.Class != tt.class || e.Message != tt.msg || e.Code != tt.code {
			t.Errorf("faultError(%d, %q) = {%v %q %q %d}, want {%v %q %q %d}", tt.code, tt.s, e.Kind, e.Class, e.Message, e.Code, tt.kind, tt.class, tt.msg, tt.code)
		}
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		e    *Error
		want string
	}{
		{&Error{Kind: KindServer, Class: "ValueError", Message: "Invalid field x", Model: "res.partner", Method: "search_read", Traceback: "Traceback ..."},
			"odoo: search_read res.partner: ValueError: Invalid field x"},
		{&Error{Kind: KindTransport, Message: "POST /xmlrpc/2/common: connection refused", Method: "version"},
			"odoo: version: transport error: POST /xmlrpc/2/common: connection refused"},
		{&Error{Kind: KindUnavailable}, "odoo: unavailable"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	cause := errors.New("boom")
	if e := (&Error{cause: cause}); !errors.Is(e, cause) {
		t.Error("Unwrap does not expose the cause")
	}
	if Kind(42).String() != "Kind(42)" || KindProtocol.String() != "protocol error" {
		t.Errorf("Kind.String() = %q, %q", Kind(42), KindProtocol)
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in    any
		major int
		err   bool
	}{
		{map[string]any{"server_version": "18.0", "server_version_info": []any{int64(18), int64(0)}}, 18, false},
		{map[string]any{"server_version": "saas~17.4", "server_version_info": []any{"saas~17", int64(4)}}, 17, false},
		{map[string]any{"server_version": "19.0+e"}, 19, false},
		{map[string]any{"server_version_info": []any{float64(20)}}, 20, false},
		{map[string]any{}, 0, true},
		{"18.0", 0, true},
	}
	for _, tt := range tests {
		v, err := parseVersion(tt.in)
		if tt.err {
			if err == nil {
				t.Errorf("parseVersion(%v) = %+v, want an error", tt.in, v)
			}
			continue
		}
		if err != nil || v.Major != tt.major {
			t.Errorf("parseVersion(%v) = %+v, %v; want major %d", tt.in, v, err, tt.major)
		}
	}
}
