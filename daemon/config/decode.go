package config

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// The loader decodes every table into map[string]toml.Primitive rather than
// into tagged structs: BurntSushi matches struct fields case-insensitively
// (URL = "..." would fill url), and a struct decode stops at the first type
// error, while -check-config must report every problem with its line.
// Unknown keys are then simply the keys no schema entry claims.

// entry is one key of a table with its raw value and where it was written.
type entry struct {
	key  string   // full dotted key, quoted like TOML where needed
	path []string // the key's segments
	name string   // last key segment
	line lineRef
	val  any
	prim toml.Primitive
}

// table is a decoded TOML table.
type table struct {
	key     string
	line    lineRef
	entries []entry // sorted by name
}

func (t *table) get(name string) (entry, bool) {
	if t == nil {
		return entry{}, false
	}
	i, ok := slices.BinarySearchFunc(t.entries, name, func(e entry, n string) int { return strings.Compare(e.name, n) })
	if !ok {
		return entry{}, false
	}
	return t.entries[i], true
}

type loader struct {
	file  string
	md    toml.MetaData
	env   func(string) string
	probs []Problem
	warns []Problem
	// inlineSecrets records that the file itself holds a credential.
	inlineSecrets bool
}

func (l *loader) problem(line int, key, format string, args ...any) {
	l.probs = append(l.probs, Problem{File: l.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (l *loader) errorf(e entry, format string, args ...any) {
	l.problem(e.line.get(), e.key, format, args...)
}

func (l *loader) warnf(e entry, format string, args ...any) {
	l.warns = append(l.warns, Problem{File: l.file, Line: e.line.get(), Key: e.key, Msg: fmt.Sprintf(format, args...)})
}

// lineProbe makes the decoder report the position of the key it is asked
// to decode: BurntSushi's ParseError carries the key's line, and MetaData
// offers no other public way to reach it.
type lineProbe struct{}

var errProbe = errors.New("line probe")

func (lineProbe) UnmarshalTOML(any) error { return errProbe }

// lineRef is where a key was written, found only when a problem needs it:
// BurntSushi reports a key's line only inside a ParseError, and building
// one scans and copies the whole file, so probing every key while loading
// made a load quadratic in the file's size (over a second for 1,000
// tenants, on every reload).
type lineRef struct {
	md   *toml.MetaData // nil: the line is n
	prim toml.Primitive
	n    int
}

func (l *loader) lineOf(p toml.Primitive) lineRef { return lineRef{md: &l.md, prim: p} }

// knownLine is a lineRef for a line already known.
func knownLine(n int) lineRef { return lineRef{n: n} }

func (r lineRef) get() int {
	if r.md == nil {
		return r.n
	}
	var pe toml.ParseError
	if err := r.md.PrimitiveDecode(r.prim, lineProbe{}); errors.As(err, &pe) {
		return pe.Position.Line
	}
	return 0
}

// decodeTable decodes the value of e as a table, reporting a problem when
// it is something else.
func (l *loader) decodeTable(e entry) (*table, bool) {
	// Check the kind first: BurntSushi decodes a non-table into a map as
	// an empty map without an error.
	var m map[string]toml.Primitive
	if _, isTable := e.val.(map[string]any); !isTable {
		l.errorf(e, "must be a table, got %s", describe(e.val))
		return nil, false
	}
	if err := l.md.PrimitiveDecode(e.prim, &m); err != nil {
		l.errorf(e, "must be a table, got %s", describe(e.val))
		return nil, false
	}
	return l.tableFrom(e.key, e.line, m, e.path), true
}

func (l *loader) tableFrom(key string, line lineRef, m map[string]toml.Primitive, path []string) *table {
	t := &table{key: key, line: line}
	for name, p := range m {
		k := append(slices.Clip(path), name)
		var v any
		_ = l.md.PrimitiveDecode(p, &v) // decoding into any cannot fail
		t.entries = append(t.entries, entry{
			key:  toml.Key(k).String(),
			path: k,
			name: name,
			line: l.lineOf(p),
			val:  v,
			prim: p,
		})
	}
	sort.Slice(t.entries, func(i, j int) bool { return t.entries[i].name < t.entries[j].name })
	return t
}

var redefined = regexp.MustCompile(`^Key '(.*)' has already been defined\.$`)

// decode parses TOML text. The parser reports syntax errors as ParseError
// values; anything else escaping it (a panic on hostile input) is turned
// into a problem too, never a crash.
func decode(data string, v any) (md toml.MetaData, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot parse TOML: %v", r)
		}
	}()
	return toml.Decode(data, v)
}

// secretLine matches a line that assigns a credential (password,
// api_key, client_tokens and the like, in any table).
var secretLine = regexp.MustCompile(`(?i)^\s*["']?[a-z0-9_.-]*(password|api_key|token|secret)[a-z0-9_-]*["']?\s*=`)

// quoted matches the source fragments the TOML parser quotes in its
// messages ("found \"hunt\" instead").
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'[^']*'`)

func (l *loader) syntaxProblem(err error, data string) {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		l.problem(0, "", "%s", err.Error())
		return
	}
	if m := redefined.FindStringSubmatch(pe.Message); m != nil {
		key := m[1]
		if strings.HasPrefix(key, "tenants.") && strings.Count(key, ".") == 1 {
			l.problem(pe.Position.Line, key, "tenant %q is defined twice; tenant names must be unique", strings.TrimPrefix(key, "tenants."))
			return
		}
		l.problem(pe.Position.Line, key, "defined twice")
		return
	}
	msg := pe.Message
	if lines := strings.Split(data, "\n"); pe.Position.Line >= 1 && pe.Position.Line <= len(lines) &&
		secretLine.MatchString(lines[pe.Position.Line-1]) {
		// The parser quotes the text it tripped on; on a credential's
		// line that text is part of the secret.
		msg = quoted.ReplaceAllString(msg, "(value hidden)")
	}
	l.problem(pe.Position.Line, "", "TOML syntax error: %s", msg)
}

// describe renders a value for a problem message: scalars as written,
// composites by kind. Callers never pass secrets here.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		if len(v) > 80 {
			v = v[:77] + "..."
		}
		return fmt.Sprintf("%q", v)
	case int64:
		return fmt.Sprintf("%d", v)
	case float64:
		return fmt.Sprintf("%g", v)
	case bool:
		return fmt.Sprintf("%t", v)
	}
	return kindOf(v)
}

// kindOf names a value's TOML type with an article.
func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time, toml.Primitive:
		return "a datetime"
	case []any:
		return "an array"
	case []map[string]any:
		return "an array of tables"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// Typed getters. Each reports its own problem and returns ok=false.

func (l *loader) str(e entry) (string, bool) {
	s, ok := e.val.(string)
	if !ok {
		l.errorf(e, "must be a string, got %s", describe(e.val))
	}
	return s, ok
}

// setStr stores a string setting in dst once check (which returns the
// normalized value or an error message) accepts it.
func (l *loader) setStr(e entry, dst *string, check func(string) (string, string)) {
	s, ok := l.str(e)
	if !ok {
		return
	}
	n, msg := check(s)
	if msg != "" {
		l.errorf(e, "%s", msg)
		return
	}
	*dst = n
}

func (l *loader) boolean(e entry) (bool, bool) {
	b, ok := e.val.(bool)
	if !ok {
		l.errorf(e, "must be true or false, got %s", describe(e.val))
	}
	return b, ok
}

func (l *loader) integer(e entry, lo, hi int64) (int64, bool) {
	n, ok := e.val.(int64)
	if !ok {
		l.errorf(e, "must be a whole number, got %s", describe(e.val))
		return 0, false
	}
	if n < lo || n > hi {
		l.errorf(e, "must be between %d and %d, got %d", lo, hi, n)
		return 0, false
	}
	return n, true
}

func (l *loader) number(e entry, lo, hi float64) (float64, bool) {
	var f float64
	switch v := e.val.(type) {
	case int64:
		f = float64(v)
	case float64:
		f = v
	default:
		l.errorf(e, "must be a number, got %s", describe(e.val))
		return 0, false
	}
	if !(f >= lo && f <= hi) { // also catches NaN
		l.errorf(e, "must be between %g and %g, got %s", lo, hi, describe(e.val))
		return 0, false
	}
	return f, true
}

func (l *loader) duration(e entry, lo, hi time.Duration) (time.Duration, bool) {
	s, ok := e.val.(string)
	if !ok {
		l.errorf(e, "must be a duration like \"30s\" or \"5m\", got %s", describe(e.val))
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		l.errorf(e, "must be a duration like \"30s\" or \"5m\", got %q", s)
		return 0, false
	}
	if d < lo || d > hi {
		l.errorf(e, "must be between %s and %s, got %q", lo, hi, s)
		return 0, false
	}
	return d, true
}

func (l *loader) enum(e entry, allowed ...string) (string, bool) {
	s, ok := l.str(e)
	if !ok {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		l.errorf(e, "must be one of %s, got %q", strings.Join(allowed, ", "), s)
		return "", false
	}
	return s, true
}

// strList decodes an array of strings, checking each element with check
// (which returns the normalized element or an error message). Elements are
// described in messages by index.
func (l *loader) strList(e entry, check func(string) (string, string)) ([]string, bool) {
	arr, ok := e.val.([]any)
	if !ok {
		l.errorf(e, "must be an array of strings, got %s", describe(e.val))
		return nil, false
	}
	out := make([]string, 0, len(arr))
	good := true
	for i, v := range arr {
		s, isStr := v.(string)
		if !isStr {
			l.errorf(e, "element %d must be a string, got %s", i+1, describe(v))
			good = false
			continue
		}
		if check != nil {
			n, msg := check(s)
			if msg != "" {
				l.errorf(e, "element %d %s", i+1, msg)
				good = false
				continue
			}
			s = n
		}
		out = append(out, s)
	}
	return out, good
}

// closest suggests a known key for a misspelt one.
func closest(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (l *loader) unknownKey(e entry, known []string) {
	if s := closest(e.name, known); s != "" {
		l.errorf(e, "unknown key (did you mean %s?)", s)
		return
	}
	l.errorf(e, "unknown key")
}
