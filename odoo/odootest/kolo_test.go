package odootest

import (
	"testing"

	"github.com/kolo/xmlrpc"
)

// TestKoloDecodes checks the replies decode with kolo/xmlrpc, the library
// the client is built on, including empty strings, false and nested arrays.
func TestKoloDecodes(t *testing.T) {
	s := startServer(t)
	common, err := xmlrpc.NewClient(s.URL()+"/xmlrpc/2/common", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer common.Close()
	var uid int64
	if err := common.Call("authenticate", []any{DB, "admin", "admin", map[string]any{}}, &uid); err != nil || uid != AdminUID {
		t.Fatalf("authenticate = %d, %v", uid, err)
	}
	obj, err := xmlrpc.NewClient(s.URL()+"/xmlrpc/2/object", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	var rows []map[string]any
	err = obj.Call("execute_kw", []any{DB, uid, "admin", "res.partner", "search_read",
		[]any{[]any{[]any{"id", "in", []any{1, 3, 19}}}},
		map[string]any{"fields": []any{"name", "parent_id", "category_id", "comment", "partner_latitude", "image_128"}, "order": "id"}}, &rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %d", len(rows))
	}
	if rows[0]["comment"] != false || rows[2]["parent_id"].([]any)[1] != "Deco Addict" || rows[1]["partner_latitude"] != 0.0 {
		t.Errorf("decoded rows = %v", rows[:1])
	}
	var fault any
	err = obj.Call("execute_kw", []any{DB, uid, "wrong", "res.partner", "search", []any{[]any{}}}, &fault)
	// kolo goes through net/rpc, which flattens the FaultError to text.
	if err == nil || err.Error() != "Fault(3): Access Denied" {
		t.Errorf("bad password = %v, want Fault(3): Access Denied", err)
	}
	var groups []map[string]any
	err = obj.Call("execute_kw", []any{DB, uid, "admin", "account.move", "read_group",
		[]any{[]any{[]any{"move_type", "=", "out_invoice"}}, []any{"amount_total:sum"}, []any{"payment_state"}}}, &groups)
	if err != nil || len(groups) == 0 {
		t.Fatalf("read_group = %v, %v", groups, err)
	}
}
