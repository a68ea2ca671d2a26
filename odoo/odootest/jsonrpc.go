package odootest

import (
	"bytes"
	"io"
	"net/http"
)

// JSON-RPC on /jsonrpc: the same services as XML-RPC in Odoo's JSON
// envelope (recordings j*). Errors are HTTP 200 with code 200 (0 on 19+)
// and the exception's class path, message and traceback.

const html400JSONRPC = "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Request inferred type is compatible with [&#39;http&#39;] but &#39;/jsonrpc&#39; is type=&#39;json&#39;.</p>\n"

func (s *Server) serveJSONRPC(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeHTML(w, http.StatusBadRequest, html400JSONRPC)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return
	}
	v, derr := decodeJSON(body)
	req, ok := v.(dict)
	if derr != nil || !ok {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		writeHTML(w, http.StatusBadRequest, "Invalid JSON data")
		return
	}
	id, _ := req.get("id")
	params, _ := req.get("params")
	pd, _ := params.(dict)
	service, _ := pd.get("service")
	method, _ := pd.get("method")
	args, _ := pd.get("args")
	argList, _ := args.([]any)
	svc, _ := service.(string)
	meth, _ := method.(string)

	res, perr := s.safeDispatch(svc, meth, argList)
	var out bytes.Buffer
	idJSON, _ := jsonValue(orNone(id))
	out.WriteString(`{"jsonrpc": "2.0", "id": `)
	out.Write(idJSON)
	if perr == nil {
		if _, none := res.(pyNone); !none && res != nil {
			rj, err := jsonValue(res)
			if err != nil {
				perr = &pyErr{class: "ValueError", msg: "Out of range float values are not JSON compliant", frames: framesDispatch}
			} else {
				out.WriteString(`, "result": `)
				out.Write(rj)
			}
		}
	}
	if perr != nil {
		code := int64(200)
		if s.version >= 19 {
			code = 0
		}
		data := dict{{"name", perr.jsonName()}, {"debug", perr.traceback()}, {"message", perr.message()}, {"arguments", []any{perr.message()}}, {"context", dict{}}}
		e, _ := jsonValue(dict{{"code", code}, {"message", "Odoo Server Error"}, {"data", data}})
		out.Reset()
		out.WriteString(`{"jsonrpc": "2.0", "id": `)
		out.Write(idJSON)
		out.WriteString(`, "error": `)
		out.Write(e)
	} else {
		w.Header().Set("X-Content-Type-Options", "nosniff")
	}
	out.WriteString("}")
	w.Header().Set("Server", serverHeader)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(out.Bytes())
}

func orNone(v any) any {
	if v == nil {
		return pyNone{}
	}
	return v
}

// safeDispatch routes a service call, turning a simulator bug into a fault.
func (s *Server) safeDispatch(service, method string, params []any) (res any, perr *pyErr) {
	defer func() {
		if r := recover(); r != nil {
			res, perr = nil, &pyErr{class: "Exception", msg: "odootest internal error", frames: framesDispatch}
		}
	}()
	switch service {
	case "common":
		return s.common(method, params)
	case "db":
		return s.dbService(method, params)
	case "object":
		return s.object(method, params)
	}
	return nil, &pyErr{class: "KeyError", msg: pyRepr(service), arg: service, frames: framesUnknownService}
}
