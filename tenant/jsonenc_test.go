package tenant

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// stdMarshal is what appendJSON must reproduce byte for byte.
func stdMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

var jsonCases = []any{
	nil, true, false, "", "plain", "quote \" backslash \\ newline \n tab \t cr \r bs \b ff \f", "\x00\x01\x1f\x7f<>&",
	"\u2028\u2029 é 日本 \xff\xfe invalid \xe2\x80", int64(math.MinInt64), int64(math.MaxInt64), 7, -3,
	-1.2345678901234567e-308, math.MaxFloat64, math.SmallestNonzeroFloat64, 0.1, 1e21, 1e20, 1e-6, 1e-7, 123456789.125, 0.0, math.Copysign(0, -1), 5e-324,
	map[string]any{"b": []any{int64(1), "x", nil, map[string]any{}}, "a\n\"": false, "": 1.5, "Z": []map[string]any{}},
	[]map[string]any{{"id": int64(3), "name": "Azure \u2028 Interior", "country_id": map[string]any{"id": int64(21), "name": "Belgium"}}},
	[]any{[]any{}, []any{"\x7f"}, map[string]any(nil), []any(nil), []map[string]any(nil)},
	map[string]any{"other": []string{"a", "<b>"}, "struct": struct {
		A int    `json:"a"`
		B string `json:"b,omitempty"`
	}{A: 1}},
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	for _, v := range jsonCases {
		want, err := stdMarshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON(nil, v)
		if err != nil {
			t.Fatalf("appendJSON(%#v): %v", v, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("appendJSON(%#v)\n got %s\nwant %s", v, got, want)
		}
	}
	for _, bad := range []any{math.NaN(), map[string]any{"x": math.Inf(1)}} {
		if _, err := appendJSON(nil, bad); err == nil {
			t.Errorf("appendJSON(%v) succeeded, want encoding/json's error", bad)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, v := range jsonCases {
		if s, ok := v.(string); ok {
			f.Add(s, 1.5, int64(2))
		}
	}
	f.Fuzz(func(t *testing.T, s string, fl float64, n int64) {
		v := map[string]any{s: []any{s, fl, n, map[string]any{"k" + s: nil}}}
		want, werr := stdMarshal(v)
		got, gerr := appendJSON(nil, v)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("errors differ: encoding/json %v, appendJSON %v", werr, gerr)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("appendJSON(%q, %v, %d)\n got %s\nwant %s", s, fl, n, got, want)
		}
	})
}
