package odoo

import "log/slog"

// Secret holds a credential (an Odoo password or API key, a client token).
// It prints as REDACTED through fmt, slog and encoding/json, so a Secret
// that reaches a log line, an error or a status document leaks nothing.
// Reveal is the one way to read it, and only the code that puts it on the
// wire calls it.
type Secret struct{ v string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: s} }

// Reveal returns the secret's text.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

// Equal reports whether two secrets hold the same text.
func (s Secret) Equal(o Secret) bool { return s.v == o.v }

const redacted = "REDACTED"

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer, so %#v redacts too.
func (s Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText implements encoding.TextMarshaler (JSON, TOML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
