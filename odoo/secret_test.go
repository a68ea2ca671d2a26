package odoo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrints(t *testing.T) {
	const pw = "hunter2-very-secret"
	s := NewSecret(pw)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "password", s)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "password", s)
	js, err := json.Marshal(struct{ P Secret }{s})
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join([]string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s),
		fmt.Sprintf("%+v", struct{ P Secret }{s}), buf.String(), string(js),
	}, "\n")
	if strings.Contains(out, pw) {
		t.Fatalf("secret leaked:\n%s", out)
	}
	if s.Reveal() != pw {
		t.Fatalf("Reveal() = %q, want %q", s.Reveal(), pw)
	}
}
