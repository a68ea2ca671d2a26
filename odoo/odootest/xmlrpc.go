package odootest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// dict is an ordered mapping. Python dicts keep insertion order and Odoo's
// marshaller writes struct members in that order, so the simulator keeps it
// too (fields_get, read and read_group replies depend on it).
type dict []kv

type kv struct {
	K string
	V any
}

func (d dict) get(k string) (any, bool) {
	for _, e := range d {
		if e.K == k {
			return e.V, true
		}
	}
	return nil, false
}

func (d *dict) set(k string, v any) {
	for i := range *d {
		if (*d)[i].K == k {
			(*d)[i].V = v
			return
		}
	}
	*d = append(*d, kv{k, v})
}

// MarshalJSON writes d as a JSON object in key order.
func (d dict) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range d {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(e.K)
		b.Write(k)
		b.WriteString(": ")
		v, err := jsonValue(e.V)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// pyNone is Python's None as decoded from <nil/>; the ORM treats it like False.
type pyNone struct{}

// pyBinary is what xmlrpc.client makes of <base64>: an object the ORM does
// not accept as a field value.
type pyBinary struct{ data string }

// methodCall is a decoded XML-RPC request.
type methodCall struct {
	Method string
	Params []any
}

// xmlError is an expat-style parse failure.
type xmlError struct {
	msg          string
	line, column int
}

func (e *xmlError) Error() string {
	return fmt.Sprintf("%s: line %d, column %d", e.msg, e.line, e.column)
}

// parseMethodCall decodes a request body the way Python's
// xmlrpc.client.loads(data, use_datetime=True) does. It is a small
// hand-written pull parser over encoding/xml tokens; errors are *pyErr
// values carrying the Python exception Odoo would raise.
func parseMethodCall(body []byte) (*methodCall, error) {
	p := &xparser{src: body}
	call, err := p.parse()
	if err != nil {
		return nil, err
	}
	return call, nil
}

type xparser struct {
	src []byte
}

// position converts a byte offset into expat's 1-based line and 0-based column.
func (p *xparser) position(off int) (int, int) {
	if off > len(p.src) {
		off = len(p.src)
	}
	line := 1 + bytes.Count(p.src[:off], []byte("\n"))
	last := bytes.LastIndexByte(p.src[:off], '\n')
	return line, utf8.RuneCount(p.src[last+1 : off])
}

func (p *xparser) expat(msg string, off int) error {
	l, c := p.position(off)
	return &pyErr{
		class:  "xml.parsers.expat.ExpatError",
		msg:    (&xmlError{msg, l, c}).Error(),
		frames: framesLoads,
	}
}

// node is a minimal element tree; requests are small, so building one is
// simpler than streaming and lets errors point at the right place.
type node struct {
	name     string
	text     strings.Builder
	children []*node
	selfEnd  bool
}

func (p *xparser) parse() (*methodCall, error) {
	root, err := p.tree()
	if err != nil {
		return nil, err
	}
	if root.name != "methodCall" {
		if root.name == "methodResponse" {
			return nil, &pyErr{class: "TypeError", msg: "cannot unpack non-iterable NoneType object", frames: framesDispatch}
		}
		return nil, &pyErr{class: "xmlrpc.client.ResponseError", msg: "ResponseError('unknown tag " + strconv.Quote(root.name) + "')", frames: framesLoads}
	}
	call := &methodCall{Params: []any{}}
	for _, c := range root.children {
		switch c.name {
		case "methodName":
			call.Method = c.text.String()
		case "params":
			for _, prm := range c.children {
				if prm.name != "param" {
					continue
				}
				for _, v := range prm.children {
					if v.name == "value" {
						val, err := decodeValue(v)
						if err != nil {
							return nil, err
						}
						call.Params = append(call.Params, val)
					}
				}
			}
		}
	}
	return call, nil
}

// tree parses the whole document. It maps encoding/xml's errors onto
// expat's wording: a document cut short is "no element found" at its end.
func (p *xparser) tree() (*node, error) {
	var stack []*node
	var root *node
	i := 0
	src := p.src
	for i < len(src) {
		c := src[i]
		if c != '<' {
			j := bytes.IndexByte(src[i:], '<')
			end := len(src)
			if j >= 0 {
				end = i + j
			}
			if len(stack) > 0 {
				s, ok := unescapeXML(src[i:end])
				if !ok {
					return nil, p.expat("not well-formed (invalid token)", i)
				}
				stack[len(stack)-1].text.WriteString(s)
			} else if len(bytes.TrimSpace(src[i:end])) > 0 {
				if root != nil {
					return nil, p.expat("junk after document element", i)
				}
				return nil, p.expat("syntax error", i)
			}
			i = end
			continue
		}
		switch {
		case bytes.HasPrefix(src[i:], []byte("<?")):
			j := bytes.Index(src[i:], []byte("?>"))
			if j < 0 {
				return nil, p.expat("unclosed token", i)
			}
			i += j + 2
		case bytes.HasPrefix(src[i:], []byte("<!--")):
			j := bytes.Index(src[i:], []byte("-->"))
			if j < 0 {
				return nil, p.expat("unclosed token", i)
			}
			i += j + 3
		case bytes.HasPrefix(src[i:], []byte("<![CDATA[")):
			j := bytes.Index(src[i:], []byte("]]>"))
			if j < 0 {
				return nil, p.expat("unclosed CDATA section", i)
			}
			if len(stack) == 0 {
				return nil, p.expat("syntax error", i)
			}
			stack[len(stack)-1].text.Write(src[i+9 : i+j])
			i += j + 3
		case bytes.HasPrefix(src[i:], []byte("<!")):
			j := bytes.IndexByte(src[i:], '>')
			if j < 0 {
				return nil, p.expat("unclosed token", i)
			}
			i += j + 1
		case bytes.HasPrefix(src[i:], []byte("</")):
			j := bytes.IndexByte(src[i:], '>')
			if j < 0 {
				return nil, p.expat("unclosed token", i)
			}
			name := strings.TrimSpace(string(src[i+2 : i+j]))
			if len(stack) == 0 || stack[len(stack)-1].name != name {
				return nil, p.expat("mismatched tag", i)
			}
			stack = stack[:len(stack)-1]
			i += j + 1
		default:
			j := bytes.IndexByte(src[i:], '>')
			if j < 0 {
				return nil, p.expat("unclosed token", i)
			}
			inner := string(src[i+1 : i+j])
			self := strings.HasSuffix(inner, "/")
			inner = strings.TrimSuffix(inner, "/")
			name := inner
			if k := strings.IndexAny(inner, " \t\r\n"); k >= 0 {
				name = inner[:k]
			}
			if name == "" || !validName(name) {
				return nil, p.expat("not well-formed (invalid token)", i+1)
			}
			if root != nil && len(stack) == 0 {
				return nil, p.expat("junk after document element", i)
			}
			if len(stack) >= maxDepth {
				return nil, &pyErr{class: "RecursionError", msg: "maximum recursion depth exceeded", frames: framesLoads}
			}
			n := &node{name: name, selfEnd: self}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			} else {
				root = n
			}
			if !self {
				stack = append(stack, n)
			}
			i += j + 1
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, p.expat("no element found", len(src))
	}
	return root, nil
}

// maxDepth bounds element nesting so a hostile body cannot exhaust memory
// through recursion; real requests nest a few dozen levels.
const maxDepth = 2000

func validName(s string) bool {
	for i, r := range s {
		ok := r == '_' || r == ':' || r == '.' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r >= 0x80 || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

func unescapeXML(b []byte) (string, bool) {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b), true
	}
	var out strings.Builder
	for len(b) > 0 {
		k := bytes.IndexByte(b, '&')
		if k < 0 {
			out.Write(b)
			break
		}
		out.Write(b[:k])
		b = b[k:]
		semi := bytes.IndexByte(b, ';')
		if semi < 0 {
			return "", false
		}
		ent := string(b[1:semi])
		switch {
		case ent == "amp":
			out.WriteByte('&')
		case ent == "lt":
			out.WriteByte('<')
		case ent == "gt":
			out.WriteByte('>')
		case ent == "quot":
			out.WriteByte('"')
		case ent == "apos":
			out.WriteByte('\'')
		case strings.HasPrefix(ent, "#x"):
			n, err := strconv.ParseUint(ent[2:], 16, 32)
			if err != nil {
				return "", false
			}
			out.WriteRune(rune(n))
		case strings.HasPrefix(ent, "#"):
			n, err := strconv.ParseUint(ent[1:], 10, 32)
			if err != nil {
				return "", false
			}
			out.WriteRune(rune(n))
		default:
			return "", false
		}
		b = b[semi+1:]
	}
	return out.String(), true
}

// decodeValue turns a <value> element into a Go value: int64, float64,
// string, bool, pyNone, []any or dict.
func decodeValue(v *node) (any, error) {
	if len(v.children) == 0 {
		// Untyped <value>text</value> is a string; <value/> is "".
		return v.text.String(), nil
	}
	t := v.children[0]
	text := t.text.String()
	switch t.name {
	case "int", "i4", "i8", "i1", "i2", "biginteger":
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			var ne *strconv.NumError
			if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
				return nil, &pyErr{class: "OverflowError", msg: "Python int too large to convert to C long", frames: framesLoads}
			}
			return nil, &pyErr{class: "ValueError", msg: fmt.Sprintf("invalid literal for int() with base 10: %s", pyRepr(text)), frames: framesLoads}
		}
		return n, nil
	case "boolean":
		switch text {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
		return nil, &pyErr{class: "TypeError", msg: "bad boolean value", frames: framesLoads}
	case "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return nil, &pyErr{class: "ValueError", msg: fmt.Sprintf("could not convert string to float: %s", pyRepr(text)), frames: framesLoads}
		}
		return f, nil
	case "string":
		return text, nil
	case "nil":
		return pyNone{}, nil
	case "base64":
		return pyBinary{data: text}, nil
	case "dateTime.iso8601":
		tm, err := time.Parse("20060102T15:04:05", strings.TrimSpace(text))
		if err != nil {
			return nil, &pyErr{class: "ValueError", msg: fmt.Sprintf("time data %s does not match format '%%Y%%m%%dT%%H:%%M:%%S'", pyRepr(text)), frames: framesLoads}
		}
		return tm.Format("2006-01-02 15:04:05"), nil
	case "array":
		out := []any{}
		for _, d := range t.children {
			if d.name != "data" {
				continue
			}
			for _, e := range d.children {
				if e.name != "value" {
					continue
				}
				x, err := decodeValue(e)
				if err != nil {
					return nil, err
				}
				out = append(out, x)
			}
		}
		return out, nil
	case "struct":
		out := dict{}
		for _, m := range t.children {
			if m.name != "member" {
				continue
			}
			var name string
			var val any = ""
			for _, e := range m.children {
				switch e.name {
				case "name":
					name = e.text.String()
				case "value":
					x, err := decodeValue(e)
					if err != nil {
						return nil, err
					}
					val = x
				}
			}
			out.set(name, val)
		}
		return out, nil
	}
	return nil, &pyErr{class: "xmlrpc.client.ResponseError", msg: "ResponseError('unknown tag " + strconv.Quote(t.name) + "')", frames: framesLoads}
}

// encodeResponse renders a successful reply exactly as Odoo 18's
// xmlrpc.client.dumps(..., methodresponse=1) does. It fails like Python's
// marshaller on None and on ints outside the 32-bit range.
func encodeResponse(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n")
	if err := encodeValue(&b, v); err != nil {
		return nil, err
	}
	b.WriteString("</param>\n</params>\n\n</methodResponse>\n")
	return b.Bytes(), nil
}

// encodeFault renders a fault reply.
func encodeFault(code int, msg string) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\"?>\n<methodResponse>\n<fault>\n")
	_ = encodeValue(&b, dict{{"faultCode", int64(code)}, {"faultString", msg}})
	b.WriteString("</fault>\n\n</methodResponse>\n")
	return b.Bytes()
}

func encodeValue(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil, pyNone:
		return &pyErr{class: "TypeError", msg: "cannot marshal None unless allow_none is enabled", frames: framesDumps}
	case bool:
		if x {
			b.WriteString("<value><boolean>1</boolean></value>\n")
		} else {
			b.WriteString("<value><boolean>0</boolean></value>\n")
		}
	case int:
		return encodeValue(b, int64(x))
	case int64:
		if x > math.MaxInt32 || x < math.MinInt32 {
			return &pyErr{class: "OverflowError", msg: "int exceeds XML-RPC limits", frames: framesDumps}
		}
		b.WriteString("<value><int>")
		b.WriteString(strconv.FormatInt(x, 10))
		b.WriteString("</int></value>\n")
	case float64:
		b.WriteString("<value><double>")
		b.WriteString(pyFloat(x))
		b.WriteString("</double></value>\n")
	case string:
		b.WriteString("<value><string>")
		writeEscaped(b, x)
		b.WriteString("</string></value>\n")
	case []any:
		return encodeArray(b, x)
	case []int64:
		return encodeArray(b, x)
	case dict:
		b.WriteString("<value><struct>\n")
		for _, e := range x {
			b.WriteString("<member>\n<name>")
			writeEscaped(b, e.K)
			b.WriteString("</name>\n")
			if err := encodeValue(b, e.V); err != nil {
				return err
			}
			b.WriteString("</member>\n")
		}
		b.WriteString("</struct></value>\n")
	default:
		return &pyErr{class: "TypeError", msg: fmt.Sprintf("cannot marshal %T objects", v), frames: framesDumps}
	}
	return nil
}

// encodeArray marshals a list, whether of any values or of record ids.
func encodeArray[T any](b *bytes.Buffer, xs []T) error {
	b.WriteString("<value><array><data>\n")
	for _, e := range xs {
		if err := encodeValue(b, e); err != nil {
			return err
		}
	}
	b.WriteString("</data></array></value>\n")
	return nil
}

// writeEscaped escapes like xmlrpc.client.escape and drops the C0 control
// characters Odoo 17+ strips before marshalling.
func writeEscaped(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
		default:
			b.WriteRune(r)
		}
	}
}

// pyFloat formats f like Python's repr(float).
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		return fmt.Sprintf("%se%s%02d", mant, sign, exp)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// pyRepr renders a string as Python's repr would (single quotes unless the
// text holds one and no double quote).
func pyRepr(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteByte(q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// pyReprValue renders a decoded value as Python's repr, for messages that
// quote a domain leaf such as "Invalid leaf ('name', 'bogus', 'x')".
func pyReprValue(v any) string {
	switch x := v.(type) {
	case nil, pyNone:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return pyFloat(x)
	case string:
		return pyRepr(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyReprValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case dict:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e.K) + ": " + pyReprValue(e.V)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case pyBinary:
		return "<xmlrpc.client.Binary>"
	}
	return fmt.Sprint(v)
}

// pyTuple renders a leaf as the tuple Odoo prints in its messages.
func pyTuple(items []any) string {
	parts := make([]string, len(items))
	for i, e := range items {
		parts[i] = pyReprValue(e)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// jsonValue encodes a reply value for JSON-2 and the web routes.
func jsonValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case nil, pyNone:
		return []byte("null"), nil
	case dict:
		return x.MarshalJSON()
	case []any:
		var b bytes.Buffer
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			b.Write(j)
		}
		b.WriteByte(']')
		return b.Bytes(), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, errors.New("float not representable in JSON")
		}
		return []byte(pyFloat(x)), nil
	}
	return json.Marshal(v)
}
