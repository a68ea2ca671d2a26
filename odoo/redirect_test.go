package odoo

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRedirectsNotFollowed: a server at the configured URL that answers a
// redirect must not get the client to send the request, with the password
// in its body, anywhere else; the error names where it was sent instead.
func TestRedirectsNotFollowed(t *testing.T) {
	const password = "s3cret-password-42"
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			var stolen atomic.Int32
			thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				_ = b
				stolen.Add(1)
				http.Error(w, "nothing here", http.StatusNotFound)
			}))
			defer thief.Close()
			odoo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://user:pw@"+strings.TrimPrefix(thief.URL, "http://")+r.URL.Path, code)
			}))
			defer odoo.Close()
			c := newTestClient(t, Config{URL: odoo.URL, Password: NewSecret(password)})
			c.retries = 1
			_, err := c.Authenticate(context.Background())
			if n := stolen.Load(); n != 0 {
				t.Errorf("Authenticate() after a %d redirect reached the redirect target %d times", code, n)
			}
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindTransport || !strings.Contains(e.Message, "redirect") || !strings.Contains(e.Message, thief.Listener.Addr().String()) {
				t.Fatalf("Authenticate() after a %d redirect error = %v, want a KindTransport error naming the redirect target", code, err)
			}
			if strings.Contains(err.Error(), "pw@") {
				t.Errorf("error %q shows the user info of the Location", err)
			}
		})
	}
}
