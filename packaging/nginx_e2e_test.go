package packaging

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlclient"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// The token tenant "acme" requires; tenant "open" requires none, so that
// nginx's own checks are what the other recipes are judged by.
const acmeToken = "omcp_nginx-recipe-test-token-0123456789"

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"nginx-test","version":"1"}}}`

// TestNginxRecipes puts Debian's nginx, configured by each shipped recipe,
// in front of a real odoo-mcpd (over the Odoo simulator), and checks that
// an MCP initialize passes with the recipe's credential and is refused
// without it, and that an SSE stream flows through unbuffered.
func TestNginxRecipes(t *testing.T) {
	bin := nginxBinary(t)
	need(t, "openssl")
	daemon := startDaemon(t)
	dir := t.TempDir()
	makeCerts(t, dir)
	hash, err := exec.Command("openssl", "passwd", "-apr1", "s3cret-basic").Output()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "htpasswd"), "alice:"+strings.TrimSpace(string(hash))+"\n", 0o644)

	caPool := x509.NewCertPool()
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	caPool.AppendCertsFromPEM(caPEM)
	clientCert, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key"))
	if err != nil {
		t.Fatal(err)
	}
	newClient := func(cert bool) *http.Client {
		cfg := &tls.Config{RootCAs: caPool, ServerName: "localhost"}
		if cert {
			cfg.Certificates = []tls.Certificate{clientCert}
		}
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 30 * time.Second}
	}

	type check struct {
		name    string
		path    string
		headers map[string]string
		cert    bool
		want    int
	}
	bearer := map[string]string{"Authorization": "Bearer " + acmeToken}
	cases := []struct {
		recipe  string
		rewrite func(string) string
		checks  []check
	}{
		{recipe: "tls.conf", checks: []check{
			{name: "token passes", path: "/acme/mcp", headers: bearer, want: 200},
			{name: "no token refused by the daemon", path: "/acme/mcp", want: 401},
			{name: "unknown tenant", path: "/nope/mcp", headers: bearer, want: 404},
		}},
		{recipe: "api-key.conf", checks: []check{
			{name: "key passes", path: "/open/mcp", headers: map[string]string{"X-API-Key": "nginx-key-42"}, want: 200},
			{name: "no key", path: "/open/mcp", want: 401},
			{name: "wrong key", path: "/open/mcp", headers: map[string]string{"X-API-Key": "nope"}, want: 401},
		}},
		{recipe: "basic-auth.conf", checks: []check{
			{name: "password passes", path: "/open/mcp", headers: map[string]string{"Authorization": basic("alice", "s3cret-basic")}, want: 200},
			{name: "no password", path: "/open/mcp", want: 401},
			{name: "wrong password", path: "/open/mcp", headers: map[string]string{"Authorization": basic("alice", "nope")}, want: 401},
			{name: "token tenant via X-API-Key", path: "/acme/mcp", headers: map[string]string{"Authorization": basic("alice", "s3cret-basic"), "X-API-Key": acmeToken}, want: 200},
		}},
		{recipe: "mtls.conf", checks: []check{
			{name: "client certificate passes", path: "/open/mcp", cert: true, want: 200},
			{name: "no client certificate", path: "/open/mcp", want: 400},
		}},
		{recipe: "rate-limit.conf",
			// One request a minute makes the burst the only allowance, so
			// the 22nd request is refused however fast the machine is.
			rewrite: func(s string) string { return strings.Replace(s, "rate=10r/s", "rate=1r/m", 1) },
			checks:  []check{{name: "allowed address passes", path: "/open/mcp", want: 200}}},
		{recipe: "rate-limit.conf",
			rewrite: func(s string) string { return strings.Replace(s, "allow 127.0.0.0/8;", "", 1) },
			checks:  []check{{name: "address not on the allow-list", path: "/open/mcp", want: 403}}},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%s#%d", tc.recipe, i), func(t *testing.T) {
			site := nginxSite{dir: dir, listen: freeAddr(t), httpAddr: daemon.http, sseAddr: daemon.sse, apiKey: "nginx-key-42"}
			conf := site.rewrite(t, tc.recipe)
			if tc.rewrite != nil {
				conf = tc.rewrite(conf)
			}
			startNginx(t, bin, site, conf)
			base := "https://" + site.listen
			for _, c := range tc.checks {
				status, body := post(t, newClient(c.cert), base+c.path, initializeBody, c.headers)
				if status != c.want {
					t.Errorf("%s: POST %s = %d, want %d\n%s", c.name, c.path, status, c.want, body)
				}
				if c.want == 200 && !strings.Contains(body, `"protocolVersion"`) {
					t.Errorf("%s: initialize answer has no protocolVersion:\n%s", c.name, body)
				}
			}
			if strings.HasPrefix(tc.recipe, "rate-limit") && tc.rewrite != nil && tc.checks[0].want == 200 {
				got := map[int]int{}
				for range 30 {
					status, _ := post(t, newClient(false), base+"/open/mcp", initializeBody, nil)
					got[status]++
				}
				if got[429] == 0 || got[200] == 0 {
					t.Errorf("30 requests past a burst of 20: statuses %v, want both 200 and 429", got)
				}
			}
			if tc.recipe == "tls.conf" {
				checkSSE(t, newClient(false), base)
			}
		})
	}
}

// checkSSE opens /open/sse through nginx and wants the endpoint event at
// once: a buffering proxy holds a small event back until its buffer fills.
// Then it posts initialize to the advertised endpoint and reads the answer
// from the same stream.
func checkSSE(t *testing.T, c *http.Client, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/open/sse", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET /open/sse through nginx: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET /open/sse = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := make(chan [2]string, 8)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		var event string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				events <- [2]string{event, strings.TrimSpace(strings.TrimPrefix(line, "data:"))}
			}
		}
	}()
	next := func(what string) [2]string {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("SSE stream ended before %s", what)
			}
			return ev
		case <-ctx.Done():
			t.Fatalf("no %s on the SSE stream through nginx: buffered?", what)
		}
		return [2]string{}
	}
	ev := next("endpoint event")
	if ev[0] != "endpoint" || !strings.HasPrefix(ev[1], "/open/message") {
		t.Fatalf("first SSE event = %q, want the /open/message endpoint", ev)
	}
	status, body := post(t, c, base+ev[1], initializeBody, nil)
	if status != 202 && status != 200 {
		t.Fatalf("POST %s = %d\n%s", ev[1], status, body)
	}
	for {
		ev = next("initialize answer")
		if strings.Contains(ev[1], `"protocolVersion"`) {
			return
		}
	}
}

func post(t *testing.T, c *http.Client, url, body string, headers map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		// A refused TLS handshake (mTLS without a certificate) is an
		// answer too; nginx sends 400 for it when the handshake passes.
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b)
}

func basic(user, pass string) string {
	req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}

// freeAddr returns a loopback address no one listens on right now. nginx
// binds it a moment later; on a test machine nothing else races for it.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startNginx runs nginx in the foreground on conf and waits until it
// accepts connections.
func startNginx(t *testing.T, bin string, s nginxSite, site string) {
	t.Helper()
	conf := s.writeConf(t, site)
	var out syncBuf
	exited := startProcess(t, exec.Command(bin, "-c", conf, "-e", "stderr"), &out, 10*time.Second, func() {
		if t.Failed() {
			t.Logf("nginx said:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.listen, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("nginx exited:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s:\n%s", s.listen, out.String())
		}
	}
}

type runningDaemon struct{ http, sse string }

// startDaemon runs the real odoo-mcpd binary on a config with two tenants
// over one simulator, and waits for READY=1 on a NOTIFY_SOCKET.
func startDaemon(t *testing.T) runningDaemon {
	t.Helper()
	sim := odootest.New()
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	bin := filepath.Join(dir, "odoo-mcpd")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/odoo-mcpd").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	writeFile(t, filepath.Join(dir, "pw"), "admin\n", 0o600)
	sum := sha256.Sum256([]byte(acmeToken))
	sock := filepath.Join(dir, "control.sock")
	// url, db and credentials are per tenant in the config format.
	tenant := func(name, extra string) string {
		return fmt.Sprintf("\n[tenants.%s]\nurl = %q\ndb = \"odoo_test\"\nusername = \"admin\"\npassword_file = %q\n%s",
			name, sim.URL(), filepath.Join(dir, "pw"), extra)
	}
	cfg := fmt.Sprintf(`[daemon]
http_listen    = "127.0.0.1:0"
sse_listen     = "127.0.0.1:0"
control_socket = %q
log_format     = "text"
`, sock) + tenant("acme", fmt.Sprintf("client_tokens = [\"sha256:%s\"]\n", hex.EncodeToString(sum[:]))) + tenant("open", "")
	conf := filepath.Join(dir, "tenants.toml")
	writeFile(t, conf, cfg, 0o600)

	notify := filepath.Join(dir, "notify.sock")
	nc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: notify, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		once := sync.Once{}
		for {
			n, err := nc.Read(buf)
			if err != nil {
				return
			}
			if slices.Contains(strings.Split(string(buf[:n]), "\n"), "READY=1") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	var logs syncBuf
	cmd := exec.Command(bin, "-config", conf)
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+notify)
	exited := startProcess(t, cmd, &logs, 30*time.Second, func() {
		nc.Close()
		if bytes.Contains([]byte(logs.String()), []byte(acmeToken)) {
			t.Errorf("daemon logs contain the client token")
		}
	})
	select {
	case <-ready:
	case <-exited:
		t.Fatalf("odoo-mcpd exited before READY=1:\n%s", logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("odoo-mcpd not ready within 60s:\n%s", logs.String())
	}
	st, err := (&ctlclient.Client{Socket: sock}).Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return runningDaemon{http: st.HTTPAddr, sse: st.SSEAddr}
}

// startProcess starts cmd with its output in out and stops it at cleanup:
// an interrupt, then a kill if it has not exited within grace; after runs
// once it is gone. The channel is closed when it exits.
func startProcess(t *testing.T, cmd *exec.Cmd, out *syncBuf, grace time.Duration, after func()) <-chan struct{} {
	t.Helper()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(grace):
			cmd.Process.Kill()
			<-exited
		}
		after()
	})
	return exited
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
