package tenant

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// inputError is a bad tool argument, found before Odoo is called.
type inputError struct {
	arg string
	msg string
}

func (e *inputError) Error() string { return "invalid argument " + e.arg + ": " + e.msg }

func argError(arg, msg string) error { return &inputError{arg: arg, msg: msg} }

// refusal is a call the tenant's guard rails do not allow.
type refusal struct{ msg string }

func (e *refusal) Error() string { return "refused: " + e.msg }

// maxErrorText bounds an error message returned to a model; Odoo's messages
// can list every group of a user, and the model needs the first lines.
const maxErrorText = 1500

// describeError turns any failure of a tool call into the sentence the
// model (and the operator reading the audit log) sees. It never includes a
// Python traceback.
func describeError(err error) string {
	var in *inputError
	var ref *refusal
	var oe *odoo.Error
	switch {
	case errors.As(err, &in), errors.As(err, &ref):
		// The whole chain: callers wrap these to say where (which
		// operation of a batch) the problem was.
		return clip(err.Error())
	case errors.As(err, &oe):
		return describeOdooError(oe)
	case errors.Is(err, context.DeadlineExceeded):
		return "the call to Odoo timed out; try a narrower request (smaller limit, fewer fields)"
	case errors.Is(err, context.Canceled):
		return "the call was cancelled"
	}
	return clip(err.Error())
}

func describeOdooError(e *odoo.Error) string {
	msg := clip(e.Message)
	where := ""
	if e.Model != "" || e.Method != "" {
		where = fmt.Sprintf(" (%s %s)", e.Method, e.Model)
	}
	class := e.Class
	switch e.Kind {
	case odoo.KindAccessDenied:
		return "Odoo refused this tenant's login (AccessDenied): the configured username or password/API key is wrong or expired; an operator must fix the tenant's credentials"
	case odoo.KindAccessError:
		if class == "" {
			class = "AccessError"
		}
		return fmt.Sprintf("Odoo %s%s: %s", class, where, msg)
	case odoo.KindUserError, odoo.KindServer:
		if class == "" {
			class = "Error"
		}
		return fmt.Sprintf("Odoo %s%s: %s", class, where, msg)
	case odoo.KindTransport:
		return fmt.Sprintf("Odoo could not be reached%s: %s", where, msg)
	case odoo.KindProtocol:
		// A refusal at the HTTP level (often a proxy's, not Odoo's), a
		// request the client would not send, or a reply it could not
		// read: the error's own message says which.
		if e.Code >= 400 && e.Code < 500 {
			status := fmt.Sprintf("HTTP %d", e.Code)
			if class != "" {
				status += " " + class
			}
			return fmt.Sprintf("the request was refused at the HTTP level (%s, by Odoo or a proxy in front of it)%s: %s", status, where, msg)
		}
		if class != "" {
			return fmt.Sprintf("Odoo %s%s: %s", class, where, msg)
		}
		return fmt.Sprintf("the Odoo call failed%s: %s", where, msg)
	case odoo.KindUnavailable:
		return "Odoo is temporarily unavailable after repeated failures; retry in a little while"
	}
	return fmt.Sprintf("Odoo error%s: %s", where, msg)
}

// clip keeps the first meaningful part of a message: never a traceback,
// never more than maxErrorText bytes.
func clip(s string) string {
	if i := strings.Index(s, "Traceback (most recent call last)"); i >= 0 {
		s = strings.TrimSpace(s[:i])
		if s == "" {
			s = "Odoo raised an error (details are in the daemon's debug log)"
		}
	}
	if len(s) > maxErrorText {
		cut := maxErrorText
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + " […]"
	}
	return s
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
