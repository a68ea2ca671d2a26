package odoo

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// fastJSON decodes a JSON-2 result straight into the client's value types
// (int64 for integers, float64 for other numbers, false for null), without
// encoding/json's json.Number boxing and second pass. Anything it is not
// sure of (invalid UTF-8, a malformed number or escape, deep nesting) makes
// it return ok=false and decodeJSONValue's encoding/json path, the
// reference, decides; FuzzDecodeJSON2 checks the two agree.
func fastJSON(b []byte) (v any, ok bool) {
	d := jsonDec{scan{b: b}}
	d.ws()
	v, ok = d.value(0)
	if !ok {
		return nil, false
	}
	d.ws()
	return v, d.i == len(d.b)
}

type jsonDec struct{ scan }

func (d *jsonDec) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDec) value(depth int) (any, bool) {
	if depth > maxDepth || d.i >= len(d.b) {
		return nil, false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.str(nil)
	case c == 't':
		return true, d.lit("true")
	case c == 'f':
		return false, d.lit("false")
	case c == 'n':
		return false, d.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, false
}

func (d *jsonDec) object(depth int) (any, bool) {
	d.i++ // {
	out := d.newMap()
	d.ws()
	if d.lit("}") {
		return out, true
	}
	for {
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return nil, false
		}
		k, ok := d.str(d.keys)
		if !ok {
			return nil, false
		}
		d.ws()
		if !d.lit(":") {
			return nil, false
		}
		d.ws()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		out[k.(string)] = v
		d.ws()
		if d.lit("}") {
			d.size = len(out)
			return out, true
		}
		if !d.lit(",") {
			return nil, false
		}
	}
}

func (d *jsonDec) array(depth int) (any, bool) {
	d.i++ // [
	out := []any{}
	d.ws()
	if d.lit("]") {
		return out, true
	}
	for {
		d.ws()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		out = append(out, v)
		d.ws()
		if d.lit("]") {
			return out, true
		}
		if !d.lit(",") {
			return nil, false
		}
	}
}

// str decodes a string at the cursor; with keys set it interns it.
func (d *jsonDec) str(keys map[string]string) (any, bool) {
	d.i++ // "
	start := d.i
	plain := true
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			raw := d.b[start:d.i]
			d.i++
			if plain {
				return plainString(raw, keys), true
			}
			return unquoteJSON(raw)
		case c == '\\':
			plain = false
			d.i += 2
			continue
		case c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && n == 1 {
				return nil, false // encoding/json would substitute U+FFFD
			}
			d.i += n
			continue
		}
		d.i++
	}
	return nil, false
}

// unquoteJSON resolves the escapes of a string body.
func unquoteJSON(raw []byte) (any, bool) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(raw) {
			return nil, false
		}
		switch raw[i+1] {
		case '"', '\\', '/':
			out = append(out, raw[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(raw[i+2:])
			if !ok {
				return nil, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				// Only a well-formed pair; encoding/json turns the rest
				// into U+FFFD, which is its call to make.
				if i+1 >= len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
					return nil, false
				}
				r2, ok := hex4(raw[i+2:])
				dec := utf16.DecodeRune(r, r2)
				if !ok || dec == utf8.RuneError {
					return nil, false
				}
				r = dec
				i += 6
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return nil, false
		}
		i += 2
	}
	return string(out), true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(n), err == nil
}

// number parses a JSON number strictly: integers without a fraction or
// exponent become int64 when they fit, everything else float64, the rule
// fixJSON applies.
func (d *jsonDec) number() (any, bool) {
	start := d.i
	if d.b[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	intStart := d.i
	n := digits()
	if n == 0 || n > 1 && d.b[intStart] == '0' {
		return nil, false
	}
	isInt := true
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return nil, false
		}
		isInt = false
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, false
		}
		isInt = false
	}
	s := string(d.b[start:d.i])
	if isInt {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			return v, true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, false
	}
	return f, true
}
