package tenant

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// subscriptions remembers which sessions asked (resources/subscribe) to
// hear about changes to which resource URIs, so a write made through this
// tenant can tell them with notifications/resources/updated. Changes made
// in Odoo by anyone else are not seen: the tenant does not poll.
type subscriptions struct {
	mu    sync.Mutex
	byURI map[string]map[string]struct{} // uri -> session ids
}

func newSubscriptions() *subscriptions {
	return &subscriptions{byURI: map[string]map[string]struct{}{}}
}

func (s *subscriptions) add(session, uri string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.byURI[uri]
	if set == nil {
		set = map[string]struct{}{}
		s.byURI[uri] = set
	}
	set[session] = struct{}{}
}

func (s *subscriptions) remove(session, uri string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if set := s.byURI[uri]; set != nil {
		delete(set, session)
		if len(set) == 0 {
			delete(s.byURI, uri)
		}
	}
}

// drop forgets a session that ended.
func (s *subscriptions) drop(session string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for uri, set := range s.byURI {
		delete(set, session)
		if len(set) == 0 {
			delete(s.byURI, uri)
		}
	}
}

// affected returns, per session, the subscribed URIs a write on model's
// ids may have changed: each record's own URI, and every search over the
// model (its rows or their order may differ now).
func (s *subscriptions) affected(model string, ids []int64) map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byURI) == 0 {
		return nil
	}
	out := map[string][]string{}
	hit := func(uri string) {
		for session := range s.byURI[uri] {
			out[session] = append(out[session], uri)
		}
	}
	for _, id := range ids {
		hit(fmt.Sprintf("odoo://record/%s/%d", model, id))
	}
	prefix := "odoo://search/" + model + "/"
	for uri := range s.byURI {
		if strings.HasPrefix(uri, prefix) {
			hit(uri)
		}
	}
	return out
}

// subscriptionHooks keeps subs in step with what the sessions ask for.
func subscriptionHooks(h *server.Hooks, subs *subscriptions) {
	h.AddAfterSubscribe(func(ctx context.Context, _ any, req *mcp.SubscribeRequest, _ *mcp.EmptyResult) {
		if cs := server.ClientSessionFromContext(ctx); cs != nil {
			subs.add(cs.SessionID(), req.Params.URI)
		}
	})
	h.AddAfterUnsubscribe(func(ctx context.Context, _ any, req *mcp.UnsubscribeRequest, _ *mcp.EmptyResult) {
		if cs := server.ClientSessionFromContext(ctx); cs != nil {
			subs.remove(cs.SessionID(), req.Params.URI)
		}
	})
	h.AddOnUnregisterSession(func(_ context.Context, cs server.ClientSession) {
		subs.drop(cs.SessionID())
	})
}

// notifyChanged tells the subscribed sessions that a write on model's ids
// went through. A session that has gone away is skipped: it has nothing
// left to refresh.
func (t *Tenant) notifyChanged(model string, ids []int64) {
	for session, uris := range t.subs.affected(model, ids) {
		for _, uri := range uris {
			if err := t.srv.SendNotificationToSpecificClient(session, mcp.MethodNotificationResourceUpdated, map[string]any{"uri": uri}); err != nil {
				t.log.Debug("resource update not delivered", "uri", uri, "err", err)
			}
		}
	}
}
