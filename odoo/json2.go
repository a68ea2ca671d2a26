package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// json2Execute calls POST /json/2/<model>/<method> (Odoo 19 and later).
func (c *Client) json2Execute(ctx context.Context, major int, cl call) (any, error) {
	if major == 0 {
		major = 19 // JSON-2 exists only from 19 on
	}
	cl = adaptCall(major, cl)
	ids, named, err := namedArgs(cl)
	if err != nil {
		return nil, &Error{Kind: KindProtocol, Message: err.Error()}
	}
	if ids != nil {
		named["ids"] = ids
	}
	wire, err := wireValue(named, 0, false)
	if err != nil {
		return nil, &Error{Kind: KindProtocol, Message: "cannot encode call: " + err.Error()}
	}
	body, err := jsonBody(wire)
	if err != nil {
		return nil, &Error{Kind: KindProtocol, Message: "cannot encode call: " + err.Error()}
	}
	path := "/json/2/" + url.PathEscape(cl.model) + "/" + url.PathEscape(cl.method)
	hdr := http.Header{
		"Authorization": {"bearer " + c.cfg.APIKey.Reveal()},
		"Accept":        {"application/json"},
	}
	if c.cfg.DB != "" {
		hdr.Set("X-Odoo-Database", c.cfg.DB)
	}
	v, err := c.retry(ctx, cl.method, func() (any, error) {
		return c.exchange(ctx, request{path: path, ctype: "application/json", body: body, header: hdr}, func(status int, h http.Header, b []byte) (any, error) {
			return decodeJSON2(status, h.Get("Content-Type"), path, b)
		})
	})
	if err != nil {
		if isNoRoute(err) {
			return nil, c.json2NoRoute(ctx, err)
		}
		return nil, err
	}
	// JSON-2 returns create's recordset as a list even for one dict;
	// XML-RPC returns the id. Callers see the XML-RPC shape.
	if cl.method == "create" {
		if _, one := named["vals_list"].(map[string]any); one {
			if l, ok := v.([]any); ok && len(l) == 1 {
				v = l[0]
			}
		}
	}
	return v, nil
}

// noRouteMsg starts the message of a JSON-2 404 that came from the router
// (an HTML page), not from the API: the server has no /json/2 or no such
// database.
const noRouteMsg = "no JSON-2 route"

func isNoRoute(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Kind == KindProtocol && e.Code == http.StatusNotFound && strings.HasPrefix(e.Message, noRouteMsg)
}

// json2NoRoute explains a missing /json/2 route, asking the server's
// version when unknown so the message names the protocol to use.
func (c *Client) json2NoRoute(ctx context.Context, err error) error {
	v := c.version.Load()
	if v == nil {
		v, _ = c.detectVersion(ctx)
	}
	if v != nil && v.Major > 0 && v.Major < 19 {
		return noJSON2(v)
	}
	e := err.(*Error)
	e.Message += fmt.Sprintf(": check that database %q exists and that the server is Odoo 19 or later (else use protocol %q)", c.cfg.DB, ProtocolXMLRPC)
	return e
}

// decodeJSON2 maps a JSON-2 reply onto a value or the same *Error kinds
// the XML-RPC path produces, following Odoo's status table.
func decodeJSON2(status int, ctype, path string, body []byte) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, protoErr("reply could not be decoded: %v", r)
		}
	}()
	mt, _, _ := mime.ParseMediaType(ctype)
	isJSON := mt == "application/json" || (mt == "" && !isHTML(body))
	if status == http.StatusOK {
		if isHTML(body) {
			// A proxy's maintenance page, as over XML-RPC.
			e := statusErr(status, path, body)
			e.Kind = KindTransport
			return nil, e
		}
		return decodeJSONValue(body)
	}
	if isJSON {
		var eb struct {
			Name      string `json:"name"`
			Message   string `json:"message"`
			Arguments []any  `json:"arguments"`
			Debug     string `json:"debug"`
		}
		if json.Unmarshal(body, &eb) == nil && (eb.Name != "" || eb.Message != "") {
			return nil, json2Error(status, eb.Name, eb.Message, eb.Debug)
		}
	}
	switch {
	case status == http.StatusNotFound:
		return nil, &Error{Kind: KindProtocol, Code: status, Message: fmt.Sprintf("%s at POST %s (HTTP 404)", noRouteMsg, path)}
	default:
		return nil, statusErr(status, path, body)
	}
}

// json2Error maps a JSON-2 error body by its class first, then by status.
func json2Error(status int, name, message, debug string) *Error {
	class := shortClass(name)
	e := &Error{Code: status, Class: class, Message: strings.TrimSpace(message), Traceback: debug}
	if k, ok := classKinds[class]; ok {
		e.Kind = k
		return e
	}
	switch status {
	case http.StatusUnauthorized:
		e.Kind, e.Class = KindAccessDenied, "AccessDenied"
	case http.StatusForbidden:
		e.Kind = KindAccessError
		if class == "" || strings.HasPrefix(name, "werkzeug.") {
			e.Class = "AccessError"
		}
	case http.StatusNotFound:
		switch {
		case strings.HasPrefix(message, "The method '"):
			// XML-RPC reports an unknown method as AttributeError (fault 1).
			e.Kind, e.Class = KindServer, "AttributeError"
		case strings.HasPrefix(message, missingPrefix):
			e.Kind, e.Class = KindUserError, "MissingError"
		default:
			// Unknown model: fault 2 over XML-RPC.
			e.Kind, e.Class = KindUserError, "UserError"
		}
	case http.StatusConflict, http.StatusUnprocessableEntity:
		if strings.HasPrefix(name, "werkzeug.") {
			// A call of the wrong shape (missing or extra argument),
			// which XML-RPC reports as a TypeError.
			e.Kind, e.Class = KindServer, "TypeError"
		} else {
			e.Kind = KindUserError
		}
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		e.Kind = KindProtocol
	default:
		e.Kind = KindServer
	}
	if e.Message == "" {
		e.Message = "HTTP " + strconv.Itoa(status) + " " + http.StatusText(status)
	}
	return e
}

// decodeJSONValue decodes a JSON result into the same Go types XML-RPC
// yields: int64 for integers, float64 for other numbers, false for null.
func decodeJSONValue(b []byte) (any, error) {
	if v, ok := fastJSON(b); ok {
		return v, nil
	}
	return slowJSONValue(b)
}

// slowJSONValue is decodeJSONValue through encoding/json, the reference for
// fastJSON and the path for anything it declines.
func slowJSONValue(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, protoErr("malformed JSON reply: %v%s", err, snippet(b))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, protoErr("malformed JSON reply: data after the value")
	}
	if err := fixJSON(&v, 0); err != nil {
		return nil, err
	}
	return v, nil
}

func fixJSON(v *any, depth int) error {
	if depth > maxDepth {
		return protoErr("reply nested more than %d levels deep", maxDepth)
	}
	switch x := (*v).(type) {
	case nil:
		*v = false
	case json.Number:
		s := string(x)
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				*v = n
				return nil
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return protoErr("number %s out of range", s)
		}
		*v = f
	case []any:
		for i := range x {
			if err := fixJSON(&x[i], depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			if err := fixJSON(&e, depth+1); err != nil {
				return err
			}
			x[k] = e
		}
	}
	return nil
}
