package tenant

import (
	"math"
	"testing"
)

func TestJSONBound(t *testing.T) {
	values := []any{
		nil, true, false, "", "plain", "quote \" backslash \\ newline \n tab \t", "\x00\x01\x1f<>&",
		"\u2028\u2029 é 日本 \xff\xfe invalid", int64(math.MinInt64), int64(math.MaxInt64), 7,
		-1.2345678901234567e-308, math.MaxFloat64, 0.1, 1e21, 123456789.125,
		map[string]any{"a\n\"": []any{int64(1), "x", nil, map[string]any{}}, "": false},
		[]map[string]any{{"id": int64(3), "name": "Azure \u2028 Interior", "country_id": map[string]any{"id": int64(21), "name": "Belgium"}}},
		[]any{[]any{}, []any{"\x7f"}, math.Copysign(0, -1)},
	}
	for _, v := range values {
		b, err := marshal(v)
		if err != nil {
			t.Fatalf("marshal(%#v): %v", v, err)
		}
		n, ok := jsonBound(v)
		if !ok {
			t.Errorf("jsonBound(%#v) not ok", v)
			continue
		}
		if n < len(b) {
			t.Errorf("jsonBound(%#v) = %d, below the encoded size %d (%s)", v, n, len(b), b)
		}
	}
	if _, ok := jsonBound(struct{}{}); ok {
		t.Error("jsonBound(struct{}{}) ok, want not ok so the caller encodes")
	}
	if _, ok := jsonBound(map[string]any{"x": []string{"a"}}); ok {
		t.Error("jsonBound of a []string inside a map ok, want not ok")
	}
}
