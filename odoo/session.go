package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// xmlrpcCall makes one XML-RPC call to /xmlrpc/2/<service>.
func (c *Client) xmlrpcCall(ctx context.Context, service, method string, params ...any) (any, error) {
	body, err := encodeCall(method, params...)
	if err != nil {
		return nil, &Error{Kind: KindProtocol, Message: "cannot encode call: " + err.Error()}
	}
	path := "/xmlrpc/2/" + service
	return c.exchange(ctx, request{path: path, ctype: "text/xml", body: body}, func(status int, _ http.Header, b []byte) (any, error) {
		if status == http.StatusNotFound {
			return nil, &Error{Kind: KindProtocol, Code: status, Message: fmt.Sprintf(
				"no XML-RPC endpoint at POST %s (HTTP 404): Odoo 22 and later, or a 19 without the rpc module, serve only JSON-2; use protocol %q with an API key",
				path, ProtocolJSON2)}
		}
		if status != http.StatusOK {
			return nil, statusErr(status, path, b)
		}
		return decodeResponse(b)
	})
}

// xmlrpcExecute runs object.execute_kw, logging in first if needed and once
// more if Odoo refuses the cached login (AccessDenied, or a uid that no
// longer names a user): the credentials or the user may have changed under
// us.
func (c *Client) xmlrpcExecute(ctx context.Context, major int, cl call) (any, error) {
	cl = adaptCall(major, cl)
	uid, err := c.ensureLogin(ctx)
	if err != nil {
		return nil, err
	}
	v, err := c.executeKW(ctx, uid, cl)
	if !isKind(err, KindAccessDenied) && !staleUID(err, uid) {
		return v, err
	}
	c.log.Debug("odoo refused the cached login, logging in again", "model", cl.model, "method", cl.method)
	c.uid.CompareAndSwap(uid, 0)
	if uid, err = c.ensureLogin(ctx); err != nil {
		return nil, err
	}
	return c.executeKW(ctx, uid, cl)
}

func (c *Client) executeKW(ctx context.Context, uid int64, cl call) (any, error) {
	args := cl.args
	if args == nil {
		args = []any{}
	}
	params := []any{c.cfg.DB, uid, c.cfg.Password.Reveal(), cl.model, cl.method, args}
	if len(cl.kwargs) > 0 {
		params = append(params, cl.kwargs)
	}
	return c.retry(ctx, cl.method, func() (any, error) {
		return c.xmlrpcCall(ctx, "object", "execute_kw", params...)
	})
}

// staleUID recognises the fault Odoo gives when the cached uid no longer
// names a user (the user was deleted and re-created, the database
// restored): MissingError on res.users(uid,) with "User: uid" [rec x38].
func staleUID(err error, uid int64) bool {
	var e *Error
	if !errors.As(err, &e) || e.Class != "MissingError" {
		return false
	}
	u := strconv.FormatInt(uid, 10)
	return strings.Contains(e.Message, "(Record: res.users("+u+",), User: "+u+")")
}

func isKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// ensureLogin returns the cached uid, logging in when there is none.
func (c *Client) ensureLogin(ctx context.Context) (int64, error) {
	if uid := c.uid.Load(); uid != 0 {
		return uid, nil
	}
	return c.login(ctx)
}

// login authenticates now; concurrent logins share one request.
func (c *Client) login(ctx context.Context) (int64, error) {
	return c.logins.do(ctx, c.timeout, func(ctx context.Context) (int64, error) {
		start := time.Now()
		uid, err := c.authenticate(ctx)
		if err != nil {
			c.uid.Store(0)
			return 0, c.finish("", "authenticate", start, err)
		}
		c.uid.Store(uid)
		c.finish("", "authenticate", start, nil)
		return uid, nil
	})
}

func (c *Client) authenticate(ctx context.Context) (int64, error) {
	proto, err := c.resolveProtocol(ctx)
	if err != nil {
		return 0, err
	}
	if proto == ProtocolJSON2 {
		// JSON-2 has no login: the bearer key is checked on every call.
		// context_get answers with the key owner's uid.
		v, err := c.json2Execute(ctx, c.major(), call{model: "res.users", method: "context_get"})
		if err != nil {
			return 0, err
		}
		m, _ := v.(map[string]any)
		uid, ok := asInt64(m["uid"])
		if !ok || uid <= 0 {
			return 0, protoErr("context_get returned no uid")
		}
		if c.cfg.Username != "" {
			if err := c.checkKeyLogin(ctx, uid); err != nil {
				return 0, err
			}
		}
		return uid, nil
	}
	v, err := c.retry(ctx, "authenticate", func() (any, error) {
		return c.xmlrpcCall(ctx, "common", "authenticate", c.cfg.DB, c.cfg.Username, c.cfg.Password.Reveal(), map[string]any{})
	})
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case int64:
		if x > 0 {
			return x, nil
		}
	case bool:
		if !x {
			return 0, &Error{Kind: KindAccessDenied, Class: "AccessDenied", Message: fmt.Sprintf(
				"Access Denied: login %q on database %q refused (wrong password or API key, disabled user, or 2FA without an API key)",
				c.cfg.Username, c.cfg.DB)}
		}
	}
	return 0, protoErr("authenticate returned %T %v, want a uid", v, v)
}

// checkKeyLogin makes sure the API key belongs to the configured login:
// the key alone decides who Odoo acts as, so a key of another user would
// otherwise silently lend that user's rights to the tenant.
func (c *Client) checkKeyLogin(ctx context.Context, uid int64) error {
	v, err := c.json2Execute(ctx, c.major(), call{model: "res.users", method: "read",
		args: []any{[]any{uid}, []any{"login"}}})
	if err != nil {
		return err
	}
	rows, _ := v.([]any)
	if len(rows) != 1 {
		return protoErr("res.users read of uid %d returned %d rows, want 1", uid, len(rows))
	}
	row, _ := rows[0].(map[string]any)
	login, ok := row["login"].(string)
	if !ok || login == "" {
		return protoErr("res.users read of uid %d returned no login", uid)
	}
	if login != c.cfg.Username {
		return &Error{Kind: KindAccessDenied, Class: "AccessDenied", Message: fmt.Sprintf(
			"Access Denied: the API key belongs to login %q, not the configured %q", login, c.cfg.Username)}
	}
	return nil
}

// Authenticate logs in now, even when a uid is cached, and caches the
// result. Over JSON-2 it checks the API key and learns its user's uid.
func (c *Client) Authenticate(ctx context.Context) (int64, error) {
	if c.isClosed.Load() {
		return 0, &Error{Kind: KindUnavailable, Message: "client closed", Method: "authenticate"}
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	c.uid.Store(0)
	return c.login(ctx)
}

// Version is what the server reports about itself.
type Version struct {
	// ServerVersion is e.g. "18.0" or "saas~17.4".
	ServerVersion string
	// VersionInfo is e.g. [18, 0, 0, "final", 0, ""].
	VersionInfo []any
	// Serie is the release series, e.g. "18.0".
	Serie string
	// ProtocolVersion is Odoo's RPC protocol version (1).
	ProtocolVersion int64
	// Major is the major release number (18), 0 when unknown.
	Major int
}

// Version asks the server what it is: /web/webclient/version_info first
// (served by every version, XML-RPC or not), common.version as a fallback.
// An "auto" client settles its protocol from the answer.
func (c *Client) Version(ctx context.Context) (*Version, error) {
	start := time.Now()
	if c.isClosed.Load() {
		return nil, c.finish("", "version", start, &Error{Kind: KindUnavailable, Message: "client closed"})
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	v, err := c.detectVersion(ctx)
	if err != nil {
		return nil, c.finish("", "version", start, err)
	}
	if c.cfg.Protocol == ProtocolAuto {
		c.settleAuto(v)
	}
	c.finish("", "version", start, nil)
	return v, nil
}

func (c *Client) detectVersion(ctx context.Context) (*Version, error) {
	v, err := c.versionInfo(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		c.log.Debug("odoo version_info failed, trying common.version", "error", c.redact(err.Error()))
		var raw any
		raw, err = c.retry(ctx, "version", func() (any, error) { return c.xmlrpcCall(ctx, "common", "version") })
		if err != nil {
			return nil, err
		}
		if v, err = parseVersion(raw); err != nil {
			return nil, err
		}
	}
	c.version.Store(v)
	return v, nil
}

// versionInfo calls the web client's JSON-RPC route.
func (c *Client) versionInfo(ctx context.Context) (*Version, error) {
	const path = "/web/webclient/version_info"
	id := c.rpcID.Add(1)
	body := []byte(`{"jsonrpc":"2.0","method":"call","id":` + strconv.FormatInt(id, 10) + `,"params":{}}`)
	raw, err := c.retry(ctx, "version_info", func() (any, error) {
		return c.exchange(ctx, request{path: path, ctype: "application/json", body: body}, func(status int, _ http.Header, b []byte) (any, error) {
			if status != http.StatusOK {
				return nil, statusErr(status, path, b)
			}
			var env struct {
				Result json.RawMessage `json:"result"`
				Error  *struct {
					Message string `json:"message"`
					Data    struct {
						Name    string `json:"name"`
						Message string `json:"message"`
					} `json:"data"`
				} `json:"error"`
			}
			if err := json.Unmarshal(b, &env); err != nil {
				return nil, protoErr("malformed JSON-RPC reply from %s: %v", path, err)
			}
			if env.Error != nil {
				return nil, &Error{Kind: KindServer, Class: shortClass(env.Error.Data.Name), Message: env.Error.Data.Message}
			}
			return decodeJSONValue(env.Result)
		})
	})
	if err != nil {
		return nil, err
	}
	return parseVersion(raw)
}

// parseVersion reads common.version's / version_info's struct.
func parseVersion(raw any) (*Version, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, protoErr("version reply is %T, want a struct", raw)
	}
	v := &Version{}
	v.ServerVersion, _ = m["server_version"].(string)
	v.VersionInfo, _ = m["server_version_info"].([]any)
	v.Serie, _ = m["server_serie"].(string)
	v.ProtocolVersion, _ = asInt64(m["protocol_version"])
	if len(v.VersionInfo) > 0 {
		if n, ok := asInt64(v.VersionInfo[0]); ok {
			v.Major = int(n)
		}
	}
	if v.Major == 0 {
		v.Major = majorFromString(v.ServerVersion)
	}
	if v.ServerVersion == "" && v.Major == 0 {
		return nil, protoErr("version reply has neither server_version nor server_version_info")
	}
	return v, nil
}

// majorFromString reads the major number from "18.0", "saas~17.4",
// "19.0+e".
func majorFromString(s string) int {
	s = strings.TrimPrefix(s, "saas~")
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(s[:end])
	return n
}

// major is the server's major version when known, 0 otherwise.
func (c *Client) major() int {
	if v := c.version.Load(); v != nil {
		return v.Major
	}
	return 0
}

// resolveProtocol returns the protocol to speak, detecting the server's
// version first for "auto", and refuses "json2" against a server that has
// none.
func (c *Client) resolveProtocol(ctx context.Context) (string, error) {
	if p := c.proto.Load(); p != nil {
		if *p == ProtocolJSON2 {
			if m := c.major(); m > 0 && m < 19 {
				return "", noJSON2(c.version.Load())
			}
		}
		return *p, nil
	}
	return c.detects.do(ctx, c.timeout, func(ctx context.Context) (string, error) {
		if p := c.proto.Load(); p != nil {
			return *p, nil
		}
		v, err := c.detectVersion(ctx)
		if err != nil {
			return "", err
		}
		return c.settleAuto(v), nil
	})
}

// settleAuto picks the protocol an "auto" client uses for server v.
func (c *Client) settleAuto(v *Version) string {
	p := ProtocolXMLRPC
	if v.Major >= 19 && !c.cfg.APIKey.IsZero() {
		p = ProtocolJSON2
	}
	c.proto.Store(&p)
	c.log.Debug("odoo protocol chosen", "protocol", p, "server_version", v.ServerVersion)
	return p
}

func noJSON2(v *Version) *Error {
	return &Error{Kind: KindProtocol, Code: http.StatusNotFound, Message: fmt.Sprintf(
		"the server is Odoo %s, which has no JSON-2 API (Odoo 19 and later): use protocol %q",
		v.ServerVersion, ProtocolXMLRPC)}
}

// asInt64 reads an integer decoded from either protocol.
func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true
		}
	case int:
		return int64(x), true
	}
	return 0, false
}

// jsonBody marshals a JSON-2 or JSON-RPC request body.
func jsonBody(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
