package odoo

import (
	"strconv"
	"strings"
)

// Kind classifies a failure so callers can branch on it without parsing
// messages. The same situation yields the same Kind over XML-RPC and JSON-2.
type Kind int

const (
	// KindAccessDenied means Odoo rejected the credentials (fault 3, HTTP
	// 401, or authenticate answering false), after the one re-login retry.
	KindAccessDenied Kind = iota + 1
	// KindAccessError means the user may not do this: ACLs, record rules or
	// a private method (fault 4, HTTP 403).
	KindAccessError
	// KindUserError is a business-level refusal: UserError, ValidationError,
	// MissingError, an unknown model (fault 2, HTTP 404/409/422).
	KindUserError
	// KindServer is any other exception raised inside Odoo (fault 1, HTTP 500).
	KindServer
	// KindTransport is a network failure, a timeout, an HTTP 5xx, 408 or
	// 429, or an HTML page from a proxy in front of Odoo: Odoo may be down
	// or overloaded, and an idempotent call may succeed if retried.
	KindTransport
	// KindProtocol is a reply that cannot be understood (malformed,
	// oversized, wrong shape), a request refused at the HTTP level (a 4xx
	// other than 408/429, a missing route) or a request this client
	// refuses to send.
	KindProtocol
	// KindUnavailable means the circuit breaker is open: recent calls failed
	// at the transport level, so this one failed fast without calling Odoo.
	KindUnavailable
)

var kindNames = [...]string{
	KindAccessDenied: "access denied",
	KindAccessError:  "access error",
	KindUserError:    "user error",
	KindServer:       "server error",
	KindTransport:    "transport error",
	KindProtocol:     "protocol error",
	KindUnavailable:  "unavailable",
}

// String returns a short lower-case name for the kind.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is the one error type the client returns (possibly wrapped).
type Error struct {
	// Kind is what callers branch on.
	Kind Kind
	// Class is the best known exception class: "ValueError",
	// "AttributeError", "AccessError", "UserError", "MissingError",
	// "AccessDenied", ... Empty for transport and protocol errors.
	Class string
	// Message is the human-readable reason, never a traceback.
	Message string
	// Code is the XML-RPC faultCode, or the HTTP status for JSON-2 and
	// transport errors; 0 when neither applies.
	Code int
	// Traceback is the raw server traceback, for debug logs only.
	Traceback string
	// Model and Method name the call that failed (Model is empty for the
	// common service: version, authenticate).
	Model, Method string

	cause error
}

// Error formats the failure as "odoo: search_read res.partner: ValueError:
// Invalid field ...". It never includes the traceback.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("odoo: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		if e.Model != "" {
			b.WriteByte(' ')
			b.WriteString(e.Model)
		}
		b.WriteString(": ")
	}
	if e.Class != "" {
		b.WriteString(e.Class)
	} else {
		b.WriteString(e.Kind.String())
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the transport cause, if any, so errors.Is(err,
// context.DeadlineExceeded) works.
func (e *Error) Unwrap() error { return e.cause }

// classKinds maps the Odoo exception classes that callers can act on to
// their Kind; every other class is KindServer.
var classKinds = map[string]Kind{
	"AccessDenied":    KindAccessDenied,
	"AccessError":     KindAccessError,
	"UserError":       KindUserError,
	"ValidationError": KindUserError,
	"MissingError":    KindUserError,
	"LockError":       KindUserError,
	"RedirectWarning": KindUserError,
}

// shortClass drops the module prefixes Odoo's JSON error bodies carry
// ("builtins.ValueError", "odoo.exceptions.AccessError") so both protocols
// report the same Class.
func shortClass(name string) string {
	for _, p := range []string{"builtins.", "odoo.exceptions.", "werkzeug.exceptions."} {
		if strings.HasPrefix(name, p) {
			return name[len(p):]
		}
	}
	return name
}

// missingPrefix starts MissingError's message, the one fault-2 class that can
// be told apart by its text.
const missingPrefix = "Record does not exist or has been deleted"

// faultError maps an /xmlrpc/2 fault onto an *Error following Odoo's fault
// table: 1 traceback, 2 user-level, 3 AccessDenied, 4 AccessError.
func faultError(code int, s string) *Error {
	e := &Error{Code: code}
	switch code {
	case 3:
		e.Kind, e.Class, e.Message = KindAccessDenied, "AccessDenied", strings.TrimSpace(s)
	case 4:
		e.Kind, e.Class, e.Message = KindAccessError, "AccessError", strings.TrimSpace(s)
	case 2:
		e.Kind, e.Class, e.Message = KindUserError, "UserError", strings.TrimSpace(s)
		if strings.HasPrefix(e.Message, missingPrefix) {
			e.Class = "MissingError"
		}
	default:
		e.Kind = KindServer
		e.Traceback = s
		e.Class, e.Message = parseTraceback(s)
		if k, ok := classKinds[e.Class]; ok {
			e.Kind = k
		}
	}
	if e.Message == "" && e.Class == "" {
		e.Message = "fault " + strconv.Itoa(code) + " with no message"
	}
	return e
}

// parseTraceback extracts the exception class and message from a Python
// traceback. The exception is the block of unindented lines after the last
// frame; its first line is "Class: message" (a message may go on over
// several lines). Text that is not a traceback is returned as the message.
func parseTraceback(tb string) (class, msg string) {
	lines := strings.Split(strings.TrimRight(tb, " \t\r\n"), "\n")
	end := len(lines)
	start := end
	for start > 0 {
		l := lines[start-1]
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "Traceback (most recent call last)") {
			break
		}
		start--
	}
	// The first line of the block that looks like "Class: message" wins;
	// without one, fall back to the last non-empty line.
	for i := start; i < end; i++ {
		if c, m, ok := splitClassLine(lines[i]); ok {
			rest := strings.TrimSpace(strings.Join(lines[i+1:end], "\n"))
			if rest != "" {
				m = strings.TrimSpace(m + "\n" + rest)
			}
			return c, m
		}
	}
	for i := end - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return "", l
		}
	}
	return "", ""
}

// splitClassLine splits "pkg.Class: message" (or a bare "Class") when the
// prefix is a dotted Python identifier.
func splitClassLine(l string) (class, msg string, ok bool) {
	l = strings.TrimRight(l, "\r")
	name, rest, found := strings.Cut(l, ":")
	if !isDottedIdent(name) {
		return "", "", false
	}
	if !found {
		// A bare class name only counts when it looks like an exception.
		if strings.HasSuffix(name, "Error") || strings.HasSuffix(name, "Exception") || strings.HasSuffix(name, "Interrupt") || strings.HasSuffix(name, "Exit") {
			return shortClass(name), "", true
		}
		return "", "", false
	}
	if rest != "" && rest[0] != ' ' {
		return "", "", false
	}
	return shortClass(name), strings.TrimSpace(rest), true
}

func isDottedIdent(s string) bool {
	if s == "" {
		return false
	}
	prevDot := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if prevDot {
				return false
			}
			prevDot = true
			continue
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9':
			if prevDot {
				return false
			}
		default:
			return false
		}
		prevDot = false
	}
	return !prevDot
}
