package odootest

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestParseMethodCall(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    string // pyReprValue of the params, or the error's "Class: msg"
		wantErr bool
	}{
		{"typed", `<?xml version='1.0'?><methodCall><methodName>m</methodName><params><param><value><int>7</int></value></param><param><value><string>a&amp;b</string></value></param></params></methodCall>`, `[7, 'a&b']`, false},
		{"nil", `<methodCall><methodName>m</methodName><params><param><value><nil/></value></param></params></methodCall>`, `[None]`, false},
		{"i8 beyond int32", `<methodCall><methodName>m</methodName><params><param><value><i8>4294967296</i8></value></param></params></methodCall>`, `[4294967296]`, false},
		{"untyped value is a string", `<methodCall><methodName>m</methodName><params><param><value>hello</value></param></params></methodCall>`, `['hello']`, false},
		{"empty value is empty string", `<methodCall><methodName>m</methodName><params><param><value/></param></params></methodCall>`, `['']`, false},
		{"empty string element", `<methodCall><methodName>m</methodName><params><param><value><string></string></value></param></params></methodCall>`, `['']`, false},
		{"boolean and double", `<methodCall><methodName>m</methodName><params><param><value><boolean>1</boolean></value></param><param><value><double>1.5</double></value></param></params></methodCall>`, `[True, 1.5]`, false},
		{"struct keeps order", `<methodCall><methodName>m</methodName><params><param><value><struct><member><name>z</name><value><int>1</int></value></member><member><name>a</name><value><array><data><value><int>2</int></value></data></array></value></member></struct></value></param></params></methodCall>`, `[{'z': 1, 'a': [2]}]`, false},
		{"datetime becomes string", `<methodCall><methodName>m</methodName><params><param><value><dateTime.iso8601>20261124T10:11:12</dateTime.iso8601></value></param></params></methodCall>`, `['2026-11-24 10:11:12']`, false},
		{"boolean true rejected", `<methodCall><methodName>m</methodName><params><param><value><boolean>true</boolean></value></param></params></methodCall>`, `TypeError: bad boolean value`, true},
		{"bad int", `<methodCall><methodName>m</methodName><params><param><value><int>x</int></value></param></params></methodCall>`, `ValueError: invalid literal for int() with base 10: 'x'`, true},
		{"truncated", `<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params>`, `xml.parsers.expat.ExpatError: no element found: line 1, column 76`, true},
		{"empty body", ``, `xml.parsers.expat.ExpatError: no element found: line 1, column 0`, true},
		{"too deep", "<methodCall><params><param>" + strings.Repeat("<value><array><data>", 1000), "RecursionError: maximum recursion depth exceeded", true},
		{"mismatched tag", "<methodCall>\n<methodName>m</methodCall>", `xml.parsers.expat.ExpatError: mismatched tag: line 2, column 13`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call, err := parseMethodCall([]byte(tt.body))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseMethodCall(%q) = %v, want error %q", tt.body, call, tt.want)
				}
				if got := err.Error(); got != tt.want {
					t.Fatalf("parseMethodCall(%q) error = %q, want %q", tt.body, got, tt.want)
				}
				if pe := err.(*pyErr); pe.faultCode() != 1 {
					t.Errorf("fault code %d, want 1", pe.faultCode())
				}
				return
			}
			if err != nil {
				t.Fatalf("parseMethodCall(%q) error %v", tt.body, err)
			}
			if got := pyReprValue(call.Params); got != tt.want {
				t.Errorf("parseMethodCall(%q) = %s, want %s", tt.body, got, tt.want)
			}
		})
	}
}

func TestEncodeResponse(t *testing.T) {
	tests := []struct {
		name    string
		v       any
		want    string
		wantErr string
	}{
		{"int", int64(7), "<value><int>7</int></value>\n", ""},
		{"false", false, "<value><boolean>0</boolean></value>\n", ""},
		{"empty string", "", "<value><string></string></value>\n", ""},
		{"escaped, controls dropped", "a<b>&c\x01\td", "<value><string>a&lt;b&gt;&amp;c\td</string></value>\n", ""},
		{"empty array", []any{}, "<value><array><data>\n</data></array></value>\n", ""},
		{"double", 3000000000.0, "<value><double>3000000000.0</double></value>\n", ""},
		{"none", pyNone{}, "", "TypeError: cannot marshal None unless allow_none is enabled"},
		{"big int", int64(math.MaxInt32) + 1, "", "OverflowError: int exceeds XML-RPC limits"},
		{"nested none", []any{int64(1), nil}, "", "TypeError: cannot marshal None unless allow_none is enabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := encodeResponse(tt.v)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("encodeResponse(%v) error = %v, want %q", tt.v, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n" + tt.want + "</param>\n</params>\n\n</methodResponse>\n"
			if string(out) != want {
				t.Errorf("encodeResponse(%v) = %q, want %q", tt.v, out, want)
			}
		})
	}
}

func TestPyFloat(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"}, {1.5, "1.5"}, {-2, "-2.0"}, {3000000000, "3000000000.0"}, {1e16, "1e+16"},
		{1.5e-5, "1.5e-05"}, {0.0001, "0.0001"}, {123456.789, "123456.789"}, {0.30000000000000004, "0.30000000000000004"},
	}
	for _, tt := range tests {
		if got := pyFloat(tt.f); got != tt.want {
			t.Errorf("pyFloat(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func FuzzParseMethodCall(f *testing.F) {
	f.Add([]byte(`<methodCall><methodName>m</methodName><params><param><value><int>7</int></value></param></params></methodCall>`))
	f.Add([]byte(`<methodCall><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodCall>`))
	f.Add([]byte(`<a><![CDATA[x]]></a>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		call, err := parseMethodCall(b)
		if err == nil && call == nil {
			t.Fatal("nil call without error")
		}
	})
}

// FuzzExecuteKW sends arbitrary argument shapes through execute_kw: every
// answer must be a well-formed XML-RPC reply, never a panic.
func FuzzExecuteKW(f *testing.F) {
	f.Add("res.partner", "search_read", `<array><data><value><array><data><value><array><data><value>name</value><value>ilike</value><value>a</value></data></array></value></data></array></value></data></array>`)
	f.Add("res.partner", "write", `<array><data><value><int>3</int></value><value><struct><member><name>parent_id</name><value><int>3</int></value></member></struct></value></data></array>`)
	f.Add("sale.order", "read_group", `<array><data><value><array><data></data></array></value><value><array><data><value>amount_total</value></data></array></value><value>date_order:week</value></data></array>`)
	f.Add("res.partner", "create", `<array><data><value><array><data><value><int>6</int></value></data></array></value></data></array>`)
	f.Add("crm.lead", "search", `<string>|</string>`)
	s := New()
	h := s.Handler()
	f.Fuzz(func(t *testing.T, model, method, args string) {
		body := "<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params>" +
			"<param><value><string>odoo_test</string></value></param><param><value><int>2</int></value></param>" +
			"<param><value><string>admin</string></value></param><param><value><string>" + escapeText(model) + "</string></value></param>" +
			"<param><value><string>" + escapeText(method) + "</string></value></param><param><value>" + args + "</value></param></params></methodCall>"
		rec := post(h, "/xmlrpc/2/object", "text/xml", []byte(body))
		if rec.Code != 200 {
			t.Fatalf("HTTP %d", rec.Code)
		}
		r, err := parseResponse(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
		if r.fault && contains(r.faultText, "odootest internal error") {
			t.Fatalf("simulator panicked: %s", lastLine(r.faultText))
		}
	})
}

func escapeText(s string) string {
	var b bytes.Buffer
	writeEscaped(&b, s)
	return b.String()
}
