package tenant

import (
	"strings"
	"testing"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// TestDescribeProtocolErrors checks the text of each kind of protocol
// error the odoo package reports; the simulator tests drive the same cases
// end to end.
func TestDescribeProtocolErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		err  *odoo.Error
		want []string
		not  []string
	}{
		{"proxy refusal", &odoo.Error{Kind: odoo.KindProtocol, Code: 403, Model: "res.partner", Method: "read",
			Message: `HTTP 403 Forbidden from POST /xmlrpc/2/object (an HTML page titled "403 Forbidden")`},
			[]string{"refused at the HTTP level (HTTP 403, by Odoo or a proxy in front of it) (read res.partner)", `titled "403 Forbidden"`}, []string{"could not be read"}},
		{"JSON-2 bad request keeps its class", &odoo.Error{Kind: odoo.KindProtocol, Code: 400, Class: "BadRequest", Model: "res.partner", Method: "read",
			Message: "could not parse the body as json: Expecting value: line 1 column 1 (char 0)"},
			[]string{"(HTTP 400 BadRequest,", "could not parse the body as json"}, nil},
		{"no route", &odoo.Error{Kind: odoo.KindProtocol, Code: 404, Message: `the server is Odoo 18.0, which has no JSON-2 API (Odoo 19 and later): use protocol "xmlrpc"`},
			[]string{"HTTP 404", `use protocol "xmlrpc"`}, nil},
		{"not sent", &odoo.Error{Kind: odoo.KindProtocol, Model: "x y", Method: "read", Message: `invalid model name "x y"`},
			[]string{`the Odoo call failed (read x y): invalid model name "x y"`}, []string{"refused", "reply"}},
		{"unreadable reply", &odoo.Error{Kind: odoo.KindProtocol, Code: 200, Model: "res.partner", Method: "read",
			Message: "malformed XML-RPC reply: XML syntax error on line 7: unexpected EOF", Traceback: "Traceback (most recent call last):\n  File \"x\"\nValueError: y"},
			[]string{"the Odoo call failed (read res.partner): malformed XML-RPC reply"}, []string{"refused", "Traceback"}},
	} {
		got := describeError(c.err)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", c.name, got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q contains %q", c.name, got, n)
			}
		}
	}
}
