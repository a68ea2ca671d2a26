package odootest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
)

// JSON-2 (Odoo 19+): POST /json/2/<model>/<method>, bearer API key, named
// arguments, raw JSON results, and the status table of NOTES.md.

const (
	clsUnauthorized = "werkzeug.exceptions.Unauthorized"
	clsBadRequest   = "werkzeug.exceptions.BadRequest"
	clsNotFound     = "werkzeug.exceptions.NotFound"
	clsUnprocess    = "werkzeug.exceptions.UnprocessableEntity"
)

// json2Status maps an exception to the HTTP status the json2 controller gives.
func json2Status(e *pyErr) int {
	switch e.class {
	case clsUnauthorized:
		return http.StatusUnauthorized
	case clsBadRequest:
		return http.StatusBadRequest
	case clsNotFound, clsMissing:
		return http.StatusNotFound
	case clsUnprocess, clsUserError, clsValidation:
		return http.StatusUnprocessableEntity
	case clsAccessError, clsAccessDenied:
		return http.StatusForbidden
	case "odoo.exceptions.LockError":
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func writeJSON2Error(w http.ResponseWriter, e *pyErr, args []any) {
	status := json2Status(e)
	if args == nil {
		args = []any{e.message()}
	}
	debug := e.traceback()
	body := dict{{"name", e.jsonName()}, {"message", e.message()}, {"arguments", args}, {"context", dict{}}, {"debug", debug}}
	out, _ := body.MarshalJSON()
	w.Header().Set("Server", serverHeader)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "bearer")
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

func (s *Server) serveJSON2(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeHTML(w, http.StatusMethodNotAllowed, html405)
		return
	}
	rest := strings.Trim(strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/json/2"), "/"), "/")
	parts := strings.Split(rest, "/")
	if db := r.Header.Get("X-Odoo-Database"); db != "" && db != DB {
		writeHTML(w, http.StatusNotFound, html404)
		return
	}
	auth := r.Header.Get("Authorization")
	scheme, key, _ := strings.Cut(auth, " ")
	if auth == "" || !strings.EqualFold(scheme, "bearer") {
		msg := "User not authenticated, use an API Key with a Bearer Authorization header."
		writeJSON2Error(w, &pyErr{class: clsUnauthorized, msg: msg, frames: framesJSON2}, []any{msg, int64(401)})
		return
	}
	s.mu.RLock()
	uid, ok := s.db.apiKeys[strings.TrimSpace(key)]
	if ok {
		if u := s.db.model("res.users").recs[uid]; u == nil || !truthy(u.v["active"]) {
			ok = false
		}
	}
	s.mu.RUnlock()
	if !ok {
		writeJSON2Error(w, &pyErr{class: clsUnauthorized, msg: "Invalid apikey", frames: framesJSON2}, []any{"Invalid apikey", int64(401)})
		return
	}
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		msg := "Did you mean POST /json/2/<model>/<method>?"
		writeJSON2Error(w, &pyErr{class: clsNotFound, msg: msg, frames: framesJSON2}, nil)
		return
	}
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		writeHTML(w, http.StatusUnsupportedMediaType, "<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n<p>Request inferred type is compatible with ['http'] but the route /json/2/&lt;model&gt;/&lt;method&gt; is type='json2'.</p>\n")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return
	}
	var params dict
	if len(bytes.TrimSpace(body)) > 0 {
		v, err := decodeJSON(body)
		if err != nil {
			writeJSON2Error(w, &pyErr{class: clsBadRequest, msg: "could not parse the body as json: " + err.Error(), frames: framesJSON2}, nil)
			return
		}
		switch x := v.(type) {
		case dict:
			params = x
		case pyNone:
		default:
			writeJSON2Error(w, &pyErr{class: clsUnprocess, msg: "the body must be a json object", frames: framesJSON2}, nil)
			return
		}
	} else {
		writeJSON2Error(w, &pyErr{class: clsBadRequest, msg: "could not parse the body as json: Expecting value: line 1 column 1 (char 0)", frames: framesJSON2}, nil)
		return
	}
	model, method := parts[0], parts[1]
	var ids any
	kwargs := dict{}
	for _, p := range params {
		if p.K == "ids" {
			ids = p.V
			continue
		}
		kwargs = append(kwargs, p)
	}
	res, perr := s.invokeJSON2(uid, model, method, ids, kwargs)
	if perr != nil {
		writeJSON2Error(w, perr, nil)
		return
	}
	out, err := jsonValue(res)
	if err != nil {
		writeJSON2Error(w, &pyErr{class: "ValueError", msg: "Out of range float values are not JSON compliant", frames: framesJSON2}, nil)
		return
	}
	w.Header().Set("Server", serverHeader)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(out)
}

func (s *Server) invokeJSON2(uid int64, model, method string, ids any, kwargs dict) (any, *pyErr) {
	s.mu.RLock()
	m := s.db.model(model)
	var spec *methodSpec
	if m != nil {
		spec = s.lookupMethod(s.db, m, method)
	}
	s.mu.RUnlock()
	if m != nil && spec != nil {
		hasIDs := false
		if l, ok := ids.([]any); ok && len(l) > 0 {
			hasIDs = true
		}
		if spec.model && hasIDs {
			return nil, &pyErr{class: clsUnprocess, msg: fmt.Sprintf("cannot call %s.%s with ids", model, method), frames: framesJSON2}
		}
	}
	var args []any
	if m != nil && spec != nil && !spec.model {
		if ids == nil {
			ids = []any{}
		}
		args = []any{ids}
	}
	res, err := s.invoke(uid, "", model, method, args, kwargs, true)
	if err != nil {
		if err.class == "TypeError" && strings.Contains(err.msg, "()") {
			// Signature errors are reported the inspect.Signature.bind way.
			return nil, &pyErr{class: clsUnprocess, msg: bindMessage(err.msg), frames: framesJSON2}
		}
		return nil, err
	}
	return res, nil
}

// bindMessage rewrites a Python call TypeError as inspect.Signature.bind words it.
func bindMessage(msg string) string {
	if i := strings.Index(msg, "missing "); i >= 0 {
		if j := strings.Index(msg, ": "); j > i {
			names := strings.Split(msg[j+2:], " and ")
			first := strings.Split(names[0], ", ")[0]
			return "missing a required argument: " + first
		}
	}
	if i := strings.Index(msg, "got an unexpected keyword argument"); i >= 0 {
		return msg[i:]
	}
	if i := strings.Index(msg, "got multiple values"); i >= 0 {
		return "multiple values for argument" + strings.TrimPrefix(msg[i:], "got multiple values for argument")
	}
	return msg
}

const framesJSON2 = `  File "/usr/lib/python3/dist-packages/odoo/http.py", line 2412, in __call__
    response = request._serve_db()
               ^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/http.py", line 1998, in _serve_db
    return self._transactioning(
           ^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/odoo/addons/rpc/controllers/json2.py", line 130, in call
    result = method(records, **kwargs)
             ^^^^^^^^^^^^^^^^^^^^^^^^^
`

// decodeJSON decodes a JSON document into simulator values, keeping object
// key order: integers become int64, other numbers float64, null pyNone.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeJSONValue(dec)
	if err != nil {
		return nil, jsonErr(b, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, pyJSONError(fmt.Sprintf("Extra data: line 1 column %d (char %d)", dec.InputOffset()+1, dec.InputOffset()))
	}
	return v, nil
}

func jsonErr(b []byte, err error) error {
	var se *json.SyntaxError
	off := int64(0)
	if errors.As(err, &se) {
		off = se.Offset - 1
		if off < 0 {
			off = 0
		}
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
	return pyJSONError(fmt.Sprintf("Expecting value: line %d column %d (char %d)", line, col, off))
}

// pyJSONError carries a message worded like Python's json module, which
// the JSON-2 error body quotes.
type pyJSONError string

func (e pyJSONError) Error() string { return string(e) }

func decodeJSONValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			d := dict{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeJSONValue(dec)
				if err != nil {
					return nil, err
				}
				d.set(k, v)
			}
			_, err := dec.Token()
			return d, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := decodeJSONValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n, nil
		}
		f, err := t.Float64()
		if err != nil || math.IsInf(f, 0) {
			return nil, fmt.Errorf("bad number %s", t)
		}
		return f, nil
	case string:
		return t, nil
	case bool:
		return t, nil
	case nil:
		return pyNone{}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// jsonRPCID extracts the id of a JSON-RPC request, as raw JSON.
func jsonRPCID(body []byte) (string, bool) {
	var req struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return "", false
	}
	if len(req.ID) == 0 {
		return "null", true
	}
	return string(req.ID), true
}
