package odoo

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kolo/xmlrpc"
)

// FuzzDecodeResponse feeds the XML-RPC reply decoder arbitrary bytes,
// seeded with every recorded Odoo reply: it must return a nil-free value or
// an *Error, and never panic. Plain `go test` runs the seeds.
func FuzzDecodeResponse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(wireDir(f), "x*.resp.xml"))
	if len(files) == 0 {
		f.Fatal("no recordings to seed the fuzzer")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"", "<", "<html><title>502</title></html>",
		`<?xml version="1.0"?><methodResponse><params><param><value><nil/></value></param></params></methodResponse>`,
		`<methodResponse><fault><value><struct><member><name>faultCode</name><value><string>x</string></value></member></struct></value></fault></methodResponse>`,
		`<methodResponse><params><param><value><array><data><value><int>1</int></value></data><data><value><int>2</int></value></data></array></value></param></params></methodResponse>`,
		`<methodResponse><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodResponse>`,
		`<methodResponse><params><param><value><int>99999999999999999999</int></value></param></params></methodResponse>`,
		`<methodResponse><params><param><value><dateTime.iso8601>20261124T10:00:00</dateTime.iso8601></value></param></params></methodResponse>`,
		`<methodResponse><params><param><value><base64>aGk=</base64></value></param></params></methodResponse>`,
		`<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>a&amp;b</name><value><string>&#233;t&#xE9; &lt;ok&gt; café &amp; co</string></value></member><member><name>n</name><value><array><data><value><double>-1.5e3</double></value><value><i8>-9</i8></value><value><boolean>1</boolean></value><value>  </value><value/></data></array></value></member></struct></value></param></params></methodResponse>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><methodResponse><params><param><value><string>x</string></value></param></params></methodResponse>`,
		"<methodResponse><params><param><value><string>a\r\nb</string></value></param></params></methodResponse>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := decodeResponse(body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("decodeResponse error %T %v is not an *Error", err, err)
			}
			if e.Kind == 0 {
				t.Fatalf("decodeResponse error %v has no Kind", err)
			}
			return
		}
		if hasNil(v, 0) {
			t.Fatalf("decodeResponse(%q) = %#v holds a nil", body, v)
		}
		// The fast path must agree with kolo's decoder, the reference.
		if fv, ok := fastDecode(body); ok {
			var kv any
			if err := xmlrpc.Response(body).Unmarshal(&kv); err != nil {
				t.Fatalf("fastDecode(%q) = %#v but kolo fails: %v", body, fv, err)
			}
			if err := fixValue(&kv, 0); err != nil {
				t.Fatalf("fixValue: %v", err)
			}
			if !reflect.DeepEqual(fv, kv) {
				t.Fatalf("fastDecode(%q) = %#v, kolo = %#v", body, fv, kv)
			}
		}
	})
}

// FuzzDecodeJSON2 does the same for JSON-2 replies, across statuses.
func FuzzDecodeJSON2(f *testing.F) {
	for _, s := range []string{
		`[{"id": 25, "name": "Deco Addict", "parent_id": false, "x": null}]`, `[7]`, `3000000000.0`, `null`,
		`{"name":"builtins.ValueError","message":"Invalid field","arguments":["x"],"context":{},"debug":"Traceback"}`,
		`<html>404</html>`, `{`, `1e999`, `[1] [2]`, `12345678901234567890`,
	} {
		for _, st := range []int{200, 401, 404, 422, 500, 502} {
			f.Add(st, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		v, err := decodeJSON2(status, "application/json", "/json/2/res.partner/read", body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind == 0 {
				t.Fatalf("decodeJSON2 error %T %v is not an *Error with a Kind", err, err)
			}
			return
		}
		if hasNil(v, 0) {
			t.Fatalf("decodeJSON2(%q) = %#v holds a nil", body, v)
		}
	})
}

func hasNil(v any, depth int) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		for _, e := range x {
			if hasNil(e, depth+1) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if hasNil(e, depth+1) {
				return true
			}
		}
	}
	return false
}

// FuzzJSONValue checks that the fast JSON decoder agrees with the
// encoding/json path wherever it answers.
func FuzzJSONValue(f *testing.F) {
	for _, s := range []string{
		`[{"id": 25, "name": "Deco Addict", "parent_id": false, "x": null, "f": 3000000000.0, "n": -0, "e": 1e3}]`,
		`{"a\u00e9\ud83d\ude00\n\"\\\/": "caf\u00e9 \t", "k": {}, "l": []}`,
		`12345678901234567890`, `-9223372036854775808`, `1.5E-7`, `"\ud800"`, `"\udc00\ud800"`, `01`, `1.`, `-`, `"a\x"`,
		"\"\xff\"", `[1,]`, `{"a":1,}`, `{"a" 1}`, ` [ 1 , 2 ] `, `"\u0000"`, `true`, `nul`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fv, ok := fastJSON(b)
		if !ok {
			return
		}
		sv, err := slowJSONValue(b)
		if err != nil {
			t.Fatalf("fastJSON(%q) = %#v but encoding/json fails: %v", b, fv, err)
		}
		if !reflect.DeepEqual(fv, sv) {
			t.Fatalf("fastJSON(%q) = %#v, encoding/json = %#v", b, fv, sv)
		}
	})
}
