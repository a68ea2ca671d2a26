package odoo

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// fastDecode decodes the plain XML-RPC that Odoo emits (params replies made
// of value, string, int, i4, i8, boolean, double, array and struct, with
// whitespace between elements and the five predefined entities plus
// character references) without encoding/xml and reflection, which cost
// kolo about 10 µs per row. Anything else (attributes, comments, CDATA,
// other types, odd spacing inside scalars, untyped text) makes it return
// ok=false so kolo's decoder, the reference, handles the reply. Where it
// succeeds it yields exactly what kolo's Unmarshal plus fixValue would;
// FuzzDecodeResponse checks that.
func fastDecode(body []byte) (v any, ok bool) {
	d := fastDec{scan{b: body}}
	d.ws()
	// Only the declarations Odoo writes; encoding/xml rejects other
	// encodings and versions, and the two decoders must agree.
	if !d.lit(`<?xml version="1.0"?>`) && !d.lit(`<?xml version='1.0'?>`) && d.lit("<?") {
		return nil, false
	}
	for _, t := range []string{"<methodResponse>", "<params>", "<param>"} {
		d.ws()
		if !d.lit(t) {
			return nil, false
		}
	}
	v, ok = d.value(0)
	if !ok {
		return nil, false
	}
	for _, t := range []string{"</param>", "</params>", "</methodResponse>"} {
		d.ws()
		if !d.lit(t) {
			return nil, false
		}
	}
	d.ws()
	if d.i != len(d.b) {
		return nil, false
	}
	return v, true
}

type fastDec struct{ scan }

func (d *fastDec) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n':
			d.i++
		default:
			return
		}
	}
}

// value decodes <value>...</value> at the cursor (after whitespace).
func (d *fastDec) value(depth int) (any, bool) {
	if depth > maxDepth {
		return nil, false
	}
	d.ws()
	if !d.lit("<value>") {
		return nil, false
	}
	d.ws()
	// An empty <value/> or <value></value> is left to kolo (inside an
	// array it swallows the element after it, and the two decoders must
	// agree), and so is untyped text; Odoo sends neither.
	if d.i >= len(d.b) || d.b[d.i] != '<' || d.lit("</value>") {
		return nil, false
	}
	var v any
	var ok bool
	switch {
	case d.lit("<string>"):
		var s string
		s, ok = d.text("</string>", nil)
		v = s
	case d.lit("<string/>"):
		v, ok = "", true
	case d.lit("<int>"):
		v, ok = d.int("</int>")
	case d.lit("<i4>"):
		v, ok = d.int("</i4>")
	case d.lit("<i8>"):
		v, ok = d.int("</i8>")
	case d.lit("<boolean>"):
		switch {
		case d.lit("0</boolean>"):
			v, ok = false, true
		case d.lit("1</boolean>"):
			v, ok = true, true
		}
	case d.lit("<double>"):
		raw, good := d.raw("</double>")
		if good {
			f, err := strconv.ParseFloat(string(raw), 64)
			v, ok = f, err == nil
		}
	case d.lit("<array>"):
		v, ok = d.array(depth)
	case d.lit("<struct>"):
		v, ok = d.strct(depth)
	}
	if !ok {
		return nil, false
	}
	d.ws()
	if !d.lit("</value>") {
		return nil, false
	}
	return v, true
}

func (d *fastDec) int(close string) (any, bool) {
	raw, ok := d.raw(close)
	if !ok {
		return nil, false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return nil, false
	}
	return n, true
}

// raw returns the bytes up to the next '<', which must start close; they
// must need no unescaping.
func (d *fastDec) raw(close string) ([]byte, bool) {
	j := bytes.IndexByte(d.b[d.i:], '<')
	if j < 0 {
		return nil, false
	}
	raw := d.b[d.i : d.i+j]
	d.i += j
	if !d.lit(close) || bytes.IndexByte(raw, '&') >= 0 {
		return nil, false
	}
	return raw, true
}

// text returns the unescaped character data up to close. With keys set it
// interns the result.
func (d *fastDec) text(close string, keys map[string]string) (string, bool) {
	j := bytes.IndexByte(d.b[d.i:], '<')
	if j < 0 {
		return "", false
	}
	raw := d.b[d.i : d.i+j]
	d.i += j
	if !d.lit(close) {
		return "", false
	}
	amp := bytes.IndexByte(raw, '&') >= 0
	for k := 0; k < len(raw); k++ {
		c := raw[k]
		switch {
		case c < 0x20 && c != '\t' && c != '\n':
			return "", false // \r is normalised by XML parsers; others are illegal
		case c >= utf8.RuneSelf:
			if !validXMLUTF8(raw[k:]) {
				return "", false
			}
			k = len(raw)
		}
	}
	if amp {
		return unescape(raw)
	}
	return plainString(raw, keys), true
}

func validXMLUTF8(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' || r == '\r' || r >= 0xD800 && r <= 0xDFFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		b = b[n:]
	}
	return true
}

// unescape resolves the predefined entities and character references.
func unescape(raw []byte) (string, bool) {
	out := make([]byte, 0, len(raw))
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			out = append(out, raw...)
			break
		}
		out = append(out, raw[:i]...)
		raw = raw[i:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 {
			return "", false
		}
		ent := string(raw[1:semi])
		raw = raw[semi+1:]
		switch ent {
		case "amp":
			out = append(out, '&')
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return "", false
			}
			var n uint64
			var err error
			if ent[1] == 'x' {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			r := rune(n)
			if err != nil || !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
				return "", false
			}
			out = utf8.AppendRune(out, r)
		}
	}
	return string(out), true
}

func (d *fastDec) array(depth int) (any, bool) {
	d.ws()
	if !d.lit("<data>") {
		return nil, false
	}
	out := []any{}
	for {
		d.ws()
		if d.lit("</data>") {
			break
		}
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	d.ws()
	if !d.lit("</array>") {
		return nil, false
	}
	return out, true
}

func (d *fastDec) strct(depth int) (any, bool) {
	out := d.newMap()
	for {
		d.ws()
		if d.lit("</struct>") {
			d.size = len(out)
			return out, true
		}
		if !d.lit("<member>") {
			return nil, false
		}
		d.ws()
		if !d.lit("<name>") {
			return nil, false
		}
		k, ok := d.text("</name>", d.keys)
		if !ok || k == "" {
			return nil, false
		}
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		d.ws()
		if !d.lit("</member>") {
			return nil, false
		}
		out[k] = v
	}
}
