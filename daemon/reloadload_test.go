package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// tomlDir is a configuration directory the test rewrites between reloads,
// read by the real loader as the daemon reads /etc/odoo-mcpd.
type tomlDir struct {
	t    *testing.T
	dir  string
	path string
}

func newTOMLDir(t *testing.T) *tomlDir {
	dir := t.TempDir()
	return &tomlDir{t: t, dir: dir, path: filepath.Join(dir, "tenants.toml")}
}

func (d *tomlDir) secret(name, value string) {
	if err := os.WriteFile(filepath.Join(d.dir, name), []byte(value+"\n"), 0o600); err != nil {
		d.t.Fatal(err)
	}
}

func (d *tomlDir) write(text string) {
	// Write then rename, as editors and config management do, so the
	// daemon never reads half a file.
	tmp := d.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		d.t.Fatal(err)
	}
	if err := os.Rename(tmp, d.path); err != nil {
		d.t.Fatal(err)
	}
}

func (d *tomlDir) load() (*config.File, error) {
	return config.Load(d.path, func(string) string { return "" })
}

func tomlTenant(name string, sim *odootest.Server, secretFile, token string) string {
	return fmt.Sprintf(`
[tenants.%s]
url = %q
db = "odoo_test"
username = "admin"
password_file = %q
client_tokens = [%q]
`, name, sim.URL(), secretFile, transports.TokenHash(token))
}

func randomKey(t *testing.T) string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	k := hex.EncodeToString(b)
	addSecret(k)
	return k
}

// TestReloadUnderLoad: 20 clients call tools without pause on two tenants
// while 50 reloads rotate acme's credential (a new Odoo API key used as
// password is added in Odoo, the file points at it, the reload applies it,
// and the key before the previous one is revoked), add and remove a third
// tenant, and feed a broken file. No call on acme or beta may fail, the
// broken file must be reported, and it must change nothing.
func TestReloadUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("reload under load takes a few seconds")
	}
	simA, simB, simC := startSim(t), startSim(t), startSim(t)
	cd := newTOMLDir(t)
	sock := filepath.Join(t.TempDir(), "control.sock")
	keys := []string{randomKey(t)}
	if err := simA.AddAPIKey("admin", keys[0]); err != nil {
		t.Fatal(err)
	}
	cd.secret("acme.key", keys[0])
	cd.secret("admin.password", "admin")
	// The listeners are handed over as systemd would; the addresses in the
	// file are then not bound.
	header := fmt.Sprintf("[daemon]\nhttp_listen = \"127.0.0.1:8008\"\nsse_listen = \"127.0.0.1:8009\"\ncontrol_socket = %q\ndrain_timeout = \"5s\"\n", sock)
	render := func(withGamma bool) string {
		s := header + tomlTenant("acme", simA, "acme.key", testSecrets[0]) + tomlTenant("beta", simB, "admin.password", testSecrets[1])
		if withGamma {
			s += tomlTenant("gamma", simC, "admin.password", "tok-gamma")
		}
		return s
	}
	cd.write(render(false))

	logs := &logBuffer{}
	d := New(Options{Load: cd.load, ConfigPath: cd.path, Logger: newTestLogger(logs), Notify: func(string) error { return nil },
		Listeners: map[string]net.Listener{"http": listenLoopback(t), "sse": listenLoopback(t)}})
	if err := d.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer func() {
		d.Close()
		recordOutput(t, logs.String())
	}()
	h := &harness{d: d}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var calls, failures atomic.Int64
	var failMu sync.Mutex
	var failed []string
	var wg sync.WaitGroup
	const workers = 20
	// done counts each worker's finished calls, so the test can tell when
	// every call that began before a rotation has ended.
	var done [workers]atomic.Int64
	var inFlight [workers]atomic.Bool
	ready := make(chan struct{}, workers)
	for i := 0; i < workers; i++ {
		name, token := "acme", testSecrets[0]
		if i%2 == 1 {
			name, token = "beta", testSecrets[1]
		}
		kind, url := "http", h.url("/"+name+"/mcp")
		if i%4 >= 2 {
			kind, url = "sse", h.surl("/"+name+"/sse")
		}
		c := connect(t, kind, url, bearer(token))
		wg.Add(1)
		i := i
		go func() {
			defer wg.Done()
			ready <- struct{}{}
			for n := 0; ctx.Err() == nil; n++ {
				tool, args := "count_records", map[string]any{"model": "res.partner"}
				if n%2 == 1 {
					tool, args = "search_records", map[string]any{"model": "res.partner", "fields": []string{"name"}, "limit": 2}
				}
				cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				inFlight[i].Store(true)
				_, err := call(cctx, c, tool, args)
				inFlight[i].Store(false)
				done[i].Add(1)
				cancel()
				calls.Add(1)
				if err != nil {
					failures.Add(1)
					failMu.Lock()
					if len(failed) < 10 {
						failed = append(failed, fmt.Sprintf("%s %s %s: %v", kind, name, tool, err))
					}
					failMu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < workers; i++ {
		<-ready
	}

	withGamma := false
	var rotations, brokenSeen int
	for i := 0; i < 50; i++ {
		before := d.routes.Load()
		switch i % 3 {
		case 0: // rotate acme's credential with overlap, as an operator does
			k := randomKey(t)
			if err := simA.AddAPIKey("admin", k); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
			cd.secret("acme.key", k)
			res, err := d.Reload(context.Background())
			if err != nil || strings.Join(res.Changed, ",") != "acme" {
				t.Fatalf("reload %d (rotation) = %+v, %v; want acme changed", i, res, err)
			}
			// The login password changes in Odoo too; the key keeps working.
			simA.SetPassword("admin", testSecrets[2+rotations%2])
			// An operator revokes a key once nothing uses it: a call that
			// began before the reload keeps the credential it started with.
			var mark [workers]int64
			for w := range mark {
				mark[w] = done[w].Load()
			}
			waitFor(t, "calls begun before the rotation to end", func() bool {
				for w := range mark {
					if inFlight[w].Load() && done[w].Load() == mark[w] {
						return false
					}
				}
				return true
			})
			if len(keys) > 1 {
				simA.RevokeAPIKey(keys[len(keys)-2])
			}
			rotations++
		case 1: // add or remove gamma
			withGamma = !withGamma
			cd.write(render(withGamma))
			res, err := d.Reload(context.Background())
			if err != nil {
				t.Fatalf("reload %d (gamma) = %v", i, err)
			}
			want := "gamma"
			if withGamma && strings.Join(res.Added, ",") != want || !withGamma && strings.Join(res.Removed, ",") != want {
				t.Fatalf("reload %d = %+v, want gamma added=%v", i, res, withGamma)
			}
			if res.Unchanged[0] != "acme" || res.Unchanged[1] != "beta" {
				t.Fatalf("reload %d touched acme or beta: %+v", i, res)
			}
		case 2: // a broken file
			good := render(withGamma)
			cd.write(strings.Replace(good, `db = "odoo_test"`, `db = "odoo_test"`+"\nbogus_key = 1", 1))
			_, err := d.Reload(context.Background())
			if err == nil || !strings.Contains(err.Error(), "bogus_key") {
				t.Fatalf("reload %d of a broken file = %v, want an error naming bogus_key", i, err)
			}
			if d.routes.Load() != before {
				t.Fatalf("reload %d: a broken file replaced the routing table", i)
			}
			var st = d.status()
			if st.LastReload == nil || st.LastReload.OK || !strings.Contains(st.LastReload.Error, "bogus_key") {
				t.Fatalf("status after a broken file = %+v", st.LastReload)
			}
			brokenSeen++
			cd.write(good)
		}
	}
	stop()
	wg.Wait()
	t.Logf("50 reloads (%d rotations, %d broken files) under %d clients: %d calls, %d failed", rotations, brokenSeen, workers, calls.Load(), failures.Load())
	if failures.Load() != 0 {
		t.Fatalf("%d of %d calls failed on tenants that were never removed; first: %s", failures.Load(), calls.Load(), strings.Join(failed, "\n"))
	}
	if calls.Load() < workers {
		t.Fatalf("only %d calls made; the load did not run", calls.Load())
	}
	// The last rotated key is what acme uses now: the first ones are revoked.
	if st := d.status(); st.LastReload.Count != 50 {
		t.Errorf("reload count %d, want 50", st.LastReload.Count)
	}
}

func listenLoopback(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
