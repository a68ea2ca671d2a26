package odoo

// scan is what the two fast decoders share: a cursor over the reply, and
// key interning with map sizing, because the rows of a search_read repeat
// the same keys in the same number.
type scan struct {
	b    []byte
	i    int
	keys map[string]string // interned keys
	size int               // members in the last map: sizes the next
}

// lit consumes s when the input continues with it.
func (d *scan) lit(s string) bool {
	if len(d.b)-d.i >= len(s) && string(d.b[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

// newMap starts a struct or object, sized like the last one finished.
func (d *scan) newMap() map[string]any {
	if d.keys == nil {
		d.keys = make(map[string]string, 16)
	}
	return make(map[string]any, d.size)
}

// plainString converts raw text that needs no unescaping; with keys set it returns
// the one string already made for the same bytes.
func plainString(raw []byte, keys map[string]string) string {
	if keys == nil {
		return string(raw)
	}
	if s, ok := keys[string(raw)]; ok {
		return s
	}
	s := string(raw)
	keys[s] = s
	return s
}
