// Package odootest is an in-process Odoo 18 (optionally 19) for tests,
// benchmarks and the daemon's demo mode.
//
// It serves the XML-RPC endpoints (/xmlrpc/2/common, /xmlrpc/2/db,
// /xmlrpc/2/object and the legacy /xmlrpc/*), JSON-RPC on /jsonrpc, the
// web client's /web/webclient/version_info route and, when presenting
// itself as 19 or later, JSON-2 (/json/2/<model>/<method>). Replies are byte-faithful to
// the recordings in ../shared/odoo-wire: the same framing, HTTP status,
// content type, fault codes and fault texts (Python tracebacks whose last
// line matches Odoo's).
//
// Behind the wire sits a small ORM: typed fields, a real domain evaluator
// (prefix operators, every leaf operator of Odoo 18 including child_of,
// parent_of, any and dotted paths), ordering, active_test, read_group,
// x2many commands, constraints and access rights for a restricted user,
// over a deterministic demo database (companies, contacts, users,
// products, sales, purchases, invoices, CRM, projects, HR, chatter).
//
// Logins on database "odoo_test": "admin"/"admin" (uid 2, full access) and
// "demo"/"demo" (uid 6, restricted). Knobs for tests: SetPassword,
// SetLatency, SetDown, FailNext, AddAPIKey, AddPartners and Calls.
package odootest
