package odootest

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestUserSecretFields checks res.users' password, new_password and
// api_key_ids as Odoo has them: fields_get lists them, the passwords read
// as ” whatever is stored, writing password changes the login, and
// api_key_ids lists the user's key records (never the keys).
func TestUserSecretFields(t *testing.T) {
	s := New(WithVersion(19))
	c := newClient(t, s)

	fg := c.ok("res.users", "fields_get", l(l("password", "new_password", "api_key_ids")), dict{{"attributes", l("type", "string", "store", "readonly", "searchable", "sortable", "relation", "relation_field")}})
	for name, want := range map[string]string{
		"password":     "{'readonly': False, 'searchable': False, 'sortable': False, 'store': False, 'string': 'Password', 'type': 'char'}",
		"new_password": "{'readonly': False, 'searchable': False, 'sortable': False, 'store': False, 'string': 'Set Password', 'type': 'char'}",
		"api_key_ids":  "{'readonly': False, 'relation': 'res.users.apikeys', 'relation_field': 'user_id', 'searchable': True, 'sortable': False, 'store': False, 'string': 'API Keys', 'type': 'one2many'}",
	} {
		if got := pyReprValue(col(t, fg, name)); got != want {
			t.Errorf("fields_get %s = %s, want %s", name, got, want)
		}
	}

	read := func(uid int64) dict {
		t.Helper()
		rows := c.ok("res.users", "read", l(l(uid), l("password", "new_password", "api_key_ids")), nil).([]any)
		if len(rows) != 1 {
			t.Fatalf("read user %d: %d rows", uid, len(rows))
		}
		return rows[0].(dict)
	}
	r := read(AdminUID)
	if pw := col(t, r, "password"); pw != "" {
		t.Errorf("admin password reads %s, want ''", pyReprValue(pw))
	}
	if pw := col(t, r, "new_password"); pw != "" {
		t.Errorf("admin new_password reads %s, want ''", pyReprValue(pw))
	}
	adminKeys := col(t, r, "api_key_ids").([]any)
	if len(adminKeys) != 1 {
		t.Fatalf("admin api_key_ids = %s, want the one seeded key", pyReprValue(adminKeys))
	}
	// The key records: no key in them, and no log-access fields (_auto = False).
	key := c.ok("res.users.apikeys", "read", l(adminKeys), nil).([]any)[0].(dict)
	for _, e := range key {
		if strings.Contains(pyReprValue(e.V), AdminAPIKey) || e.K == "key" || e.K == "write_uid" {
			t.Errorf("res.users.apikeys read gives %s = %s", e.K, pyReprValue(e.V))
		}
	}
	if u := col(t, key, "user_id").([]any); u[0] != AdminUID {
		t.Errorf("admin key user_id = %v", u)
	}

	// Keys added and revoked while running show in api_key_ids.
	const extra = "0123456789abcdef0123456789abcdef01234567"
	if err := s.AddAPIKey("admin", extra); err != nil {
		t.Fatal(err)
	}
	if got := col(t, read(AdminUID), "api_key_ids").([]any); len(got) != 2 {
		t.Errorf("after AddAPIKey api_key_ids = %s, want 2 keys", pyReprValue(got))
	}
	s.RevokeAPIKey(extra)
	if got := pyReprValue(col(t, read(AdminUID), "api_key_ids")); got != pyReprValue(adminKeys) {
		t.Errorf("after RevokeAPIKey api_key_ids = %s, want %s", got, pyReprValue(adminKeys))
	}

	// Writing password changes the login; reading still gives ''.
	c.ok("res.users", "write", l(l(int64(DemoUID)), dict{{"password", "rotated"}}), nil)
	if uid := c.raw("common", "authenticate", DB, "demo", "demo", dict{}).value; uid != false {
		t.Errorf("old demo password still logs in: %v", uid)
	}
	if uid := c.raw("common", "authenticate", DB, "demo", "rotated", dict{}).value; uid != int64(DemoUID) {
		t.Errorf("new demo password logs in as %v, want %d", uid, DemoUID)
	}
	if pw := col(t, read(DemoUID), "password"); pw != "" {
		t.Errorf("demo password reads %s after a write, want ''", pyReprValue(pw))
	}
	// new_password: empty is ignored, the caller's own is refused.
	c.ok("res.users", "write", l(l(int64(DemoUID)), dict{{"new_password", ""}}), nil)
	if code, msg := c.fault("res.users", "write", l(l(int64(AdminUID)), dict{{"new_password", "x"}}), nil); code != 2 || !strings.HasPrefix(msg, "Please use the change password wizard") {
		t.Errorf("own new_password = %d %q, want a UserError", code, msg)
	}

	// JSON-2 reads the same: "" for the passwords, ids for the keys.
	rec := post(s.Handler(), "/json/2/res.users/read", "application/json", []byte(`{"ids": [2], "fields": ["password", "new_password", "api_key_ids"]}`), "Authorization", "bearer "+AdminAPIKey)
	var rows []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("JSON-2 read = %d %s (%v)", rec.Code, rec.Body.String(), err)
	}
	if rows[0]["password"] != "" || rows[0]["new_password"] != "" || len(rows[0]["api_key_ids"].([]any)) != 1 {
		t.Errorf("JSON-2 read = %v, want empty passwords and one key id", rows[0])
	}
}
