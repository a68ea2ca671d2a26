package transports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net"
	"net/http"
	"strings"
)

// WriteError answers with status and the body {"error": msg}. msg must be
// short and safe to show to anyone who can reach the endpoint.
func WriteError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	_, _ = w.Write(append(b, '\n'))
}

// maxErrorText bounds the plain-text error message carried over from
// mcp-go into our JSON error body.
const maxErrorText = 200

// jsonErrors rewrites the plain-text error answers mcp-go writes itself
// (wrong session id, unsupported protocol version, bad method) into the
// {"error": ...} shape every other error of ours has. Anything that is not a
// text/plain error passes through untouched, streaming included.
type jsonErrors struct {
	http.ResponseWriter
	status  int
	capture bool
	buf     bytes.Buffer
}

func (j *jsonErrors) WriteHeader(status int) {
	if j.status != 0 {
		return
	}
	j.status = status
	if status >= 400 {
		mt, _, _ := mime.ParseMediaType(j.Header().Get("Content-Type"))
		if mt == "text/plain" || mt == "" {
			j.capture = true
			return
		}
	}
	j.ResponseWriter.WriteHeader(status)
}

func (j *jsonErrors) Write(p []byte) (int, error) {
	if j.status == 0 {
		j.WriteHeader(http.StatusOK)
	}
	if j.capture {
		if j.buf.Len() < 4*maxErrorText {
			j.buf.Write(p)
		}
		return len(p), nil
	}
	return j.ResponseWriter.Write(p)
}

// Flush keeps streaming responses streaming.
func (j *jsonErrors) Flush() {
	if j.capture {
		return
	}
	if f, ok := j.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack is passed through so nothing above us loses the capability.
func (j *jsonErrors) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := j.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("transports: response writer cannot hijack")
}

// Unwrap lets http.ResponseController reach the connection.
func (j *jsonErrors) Unwrap() http.ResponseWriter { return j.ResponseWriter }

// finish writes the captured error, if any, as JSON.
func (j *jsonErrors) finish() {
	if !j.capture {
		return
	}
	msg := strings.TrimSpace(j.buf.String())
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > maxErrorText {
		msg = msg[:maxErrorText]
	}
	if msg == "" {
		msg = strings.ToLower(http.StatusText(j.status))
	}
	WriteError(j.ResponseWriter, j.status, msg)
}
