package tenant

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// toolFunc is one tool's body. It returns a value to send as JSON, or a
// *mcp.CallToolResult to send as is (a request for the user's
// confirmation), or an error that becomes a tool error.
type toolFunc func(ctx context.Context, c *call) (any, error)

// call is one tool call: its arguments and the tenant state it runs under.
type call struct {
	t    *Tenant
	st   *state
	tool string
	args map[string]any
	req  mcp.CallToolRequest
}

func (t *Tenant) handler(name string, known []string, fn toolFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, _ error) {
		start := time.Now()
		st, release, stopped := t.acquire()
		if stopped != nil {
			return mcp.NewToolResultError(stopped.Error()), nil
		}
		defer release()
		c := &call{t: t, st: st, tool: name, req: req}
		var out any
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.log.Error("tool panicked", "tool", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = fmt.Errorf("internal error in %s; the daemon's log has the details", name)
				}
			}()
			switch a := req.Params.Arguments.(type) {
			case nil:
				c.args = map[string]any{}
			case map[string]any:
				c.args = a
				for _, k := range sortedKeys(a) {
					if !slices.Contains(known, k) {
						takes := "no arguments"
						if len(known) > 0 {
							takes = strings.Join(known, ", ")
						}
						err = argError(k, fmt.Sprintf("is not an argument of %s; it takes %s", name, takes))
						return
					}
				}
			default:
				err = argError("arguments", fmt.Sprintf("must be an object, got %s", jsonKind(a)))
				return
			}
			out, err = fn(ctx, c)
		}()
		if err == nil && asking(out) {
			return out.(*mcp.CallToolResult), nil
		}
		if err == nil {
			res, err = c.jsonResult(out)
		}
		if err != nil {
			msg := describeError(err)
			t.stats.observeTool(time.Since(start), true, msg)
			t.log.Debug("tool failed", "tool", name, "err", msg)
			return mcp.NewToolResultError(msg), nil
		}
		t.stats.observeTool(time.Since(start), false, "")
		return res, nil
	}
}

// jsonResult renders a tool's answer as compact JSON text, refusing one
// that is still over max_response_bytes after the tool's own cutting.
func (c *call) jsonResult(v any) (*mcp.CallToolResult, error) {
	if r, ok := v.(*mcp.CallToolResult); ok {
		return r, nil
	}
	b, err := marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding the answer: %w", err)
	}
	if len(b) > c.st.pol.maxBytes {
		return nil, fmt.Errorf("the answer is %d bytes, over this tenant's max_response_bytes (%d); ask for fewer fields or records", len(b), c.st.pol.maxBytes)
	}
	return mcp.NewToolResultText(string(b)), nil
}

// Argument helpers. Each names the argument in its error.

func (c *call) str(name string, required bool) (string, error) {
	v, ok := c.args[name]
	if !ok || v == nil {
		if required {
			return "", argError(name, "is required")
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", argError(name, fmt.Sprintf("must be a string, got %s", jsonKind(v)))
	}
	if required && strings.TrimSpace(s) == "" {
		return "", argError(name, "must not be empty")
	}
	return s, nil
}

func (c *call) intArg(name string, def, min, max int) (int, error) {
	v, ok := c.args[name]
	if !ok || v == nil {
		return def, nil
	}
	n, ok := toInt(v)
	if !ok {
		return 0, argError(name, fmt.Sprintf("must be an integer, got %s", jsonKind(v)))
	}
	if n < int64(min) || n > int64(max) {
		return 0, argError(name, fmt.Sprintf("must be between %d and %d, got %d", min, max, n))
	}
	return int(n), nil
}

func (c *call) boolArg(name string, def bool) (bool, error) {
	v, ok := c.args[name]
	if !ok || v == nil {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, argError(name, fmt.Sprintf("must be true or false, got %s", jsonKind(v)))
	}
	return b, nil
}

func (c *call) model(ctx context.Context) (string, error) {
	m, err := c.str("model", true)
	if err != nil {
		return "", err
	}
	if err := c.st.requireModel(ctx, m); err != nil {
		return "", err
	}
	return m, nil
}

func (c *call) context() (map[string]any, error) {
	return c.st.pol.mergeContext(c.args["context"])
}

func (c *call) fields(ctx context.Context, model string) (map[string]fieldMeta, error) {
	return c.st.lookup(ctx, model)
}

func (c *call) domain(ctx context.Context, model string) ([]any, error) {
	return parseDomain(ctx, model, c.args["domain"], c.st.lookup, "domain")
}

// limit reads a limit argument: over maxLimit is an error, over
// max_records is cut (and noted by the caller).
func (c *call) limit(def int) (int, error) {
	return c.intArg("limit", min(def, c.st.pol.maxRecords), 1, maxLimit)
}

// checkOrder validates an order clause against the model's fields, so that
// nothing but field names and directions reaches Odoo's ORDER BY.
func checkOrder(order string, fs map[string]fieldMeta, extra ...string) (string, error) {
	order = strings.TrimSpace(order)
	if order == "" {
		return "", nil
	}
	parts := strings.Split(order, ",")
	out := make([]string, 0, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		if len(words) == 0 || len(words) > 3 {
			return "", argError("order", fmt.Sprintf("part %d %q must be \"field\" or \"field asc|desc\"", i+1, strings.TrimSpace(p)))
		}
		f := words[0]
		if _, ok := fs[f]; !ok && f != "id" && !slices.Contains(extra, f) {
			return "", argError("order", fmt.Sprintf("field %q does not exist on this model%s", f, suggest(f, fs)))
		}
		if len(words) >= 2 {
			d := strings.ToLower(words[1])
			if d != "asc" && d != "desc" {
				return "", argError("order", fmt.Sprintf("direction %q must be asc or desc", words[1]))
			}
		}
		if len(words) == 3 {
			n := strings.ToLower(words[2])
			if n != "nulls" && !strings.HasPrefix(n, "nulls") {
				return "", argError("order", fmt.Sprintf("unexpected %q in %q", words[2], strings.TrimSpace(p)))
			}
			return "", argError("order", "NULLS FIRST/LAST is not supported here; sort by field and direction")
		}
		out = append(out, strings.Join(words, " "))
	}
	return strings.Join(out, ", "), nil
}

// rows converts a list answer from Odoo into records.
func rows(raw any, what string) ([]map[string]any, error) {
	l, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: Odoo answered %s, not a list", what, jsonKind(raw))
	}
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: Odoo answered a list holding %s, not records", what, jsonKind(e))
		}
		out = append(out, m)
	}
	return out, nil
}

// audit writes one line per write tool call to the tenant log and the
// audit sink: who, what, on which records, and whether it went through.
func (c *call) audit(ctx context.Context, model, method string, ids []int64, outcome string, err error) {
	attrs := []any{
		"audit", true,
		"tenant", c.t.name,
		"tool", c.tool,
		"model", model,
		"method", method,
		"ids", ids,
		"outcome", outcome,
		"allowed", outcome == "done" || outcome == "failed",
	}
	if cl, ok := transports.ClientFromContext(ctx); ok {
		attrs = append(attrs, "client", slog.GroupValue(
			slog.String("addr", cl.Addr), slog.String("token", cl.Token), slog.String("transport", cl.Transport)))
	}
	if err != nil {
		attrs = append(attrs, "error", describeError(err))
	}
	c.t.log.Log(ctx, slog.LevelInfo, "write", attrs...)
	if c.t.opts.Audit != nil {
		c.t.opts.Audit.Log(ctx, slog.LevelInfo, "write", attrs...)
	}
	if outcome == "done" {
		c.t.notifyChanged(model, ids)
	}
}

// outcomeOf classifies a write's error for the audit line.
func outcomeOf(err error) string {
	var in *inputError
	var ref *refusal
	switch {
	case err == nil:
		return "done"
	case errors.As(err, &ref):
		return "refused"
	case errors.As(err, &in):
		return "invalid"
	}
	return "failed"
}

// confirmID keys the confirmation in a multi round-trip request.
const confirmID = "confirm"

// confirm asks the human before a write when the tenant's confirm_writes
// wants it. It returns (nil, nil) to go ahead, a result asking the client
// for the user's answer, or a refusal.
func (c *call) confirm(ctx context.Context, destructive bool, summary string) (*mcp.CallToolResult, error) {
	if !c.st.pol.needsConfirm(destructive) {
		return nil, nil
	}
	want := c.requestState()
	if resp := server.ElicitationResponse(c.req.Params.InputResponses, confirmID); resp != nil {
		if c.req.Params.RequestState != want {
			return nil, &refusal{msg: "the confirmation does not match this request; nothing was changed"}
		}
		if resp.Action == mcp.ElicitationResponseActionAccept {
			if m, ok := resp.Content.(map[string]any); !ok || m["confirm"] != false {
				return nil, nil
			}
		}
		return nil, &refusal{msg: fmt.Sprintf("the user did not confirm (%s), so nothing was changed: %s", resp.Action, summary)}
	}
	if !clientCanElicit(ctx) {
		return nil, &refusal{msg: fmt.Sprintf("this tenant requires a person to confirm this change (%s), and this MCP client cannot ask them (it does not support elicitation); nothing was changed. Use a client that supports elicitation, or ask the operator about confirm_writes", summary)}
	}
	b := server.NewInputRequestBuilder(want).Elicit(confirmID, mcp.ElicitationParams{
		Message: "Odoo (" + c.t.name + "): " + summary + ". Go ahead?",
		RequestedSchema: js{
			"type": "object",
			"properties": js{
				"confirm": js{"type": "boolean", "title": "Go ahead", "description": "Yes to make this change in Odoo.", "default": false},
			},
			"required": []string{"confirm"},
		},
	})
	return b.ToolResult(), nil
}

// requestState binds a confirmation to the exact call it was asked for.
func (c *call) requestState() string {
	b, _ := json.Marshal(c.args)
	h := sha256.Sum256(append([]byte(c.t.name+"\x00"+c.tool+"\x00"), b...))
	return hex.EncodeToString(h[:16])
}

func clientCanElicit(ctx context.Context) bool {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		return info.ClientCapabilities != nil && info.ClientCapabilities.Elicitation != nil
	}
	if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		return s.GetClientCapabilities().Elicitation != nil
	}
	return false
}
