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
// while 50 reloads change acme's password for real, add and remove a third
// tenant, and feed a broken file. The rotations alternate the operator's
// two orders: the password changes in Odoo (the old one stops working at
// once) and then in the file with a reload, or the file and reload first
// and Odoo after. No call on acme or beta may fail, the broken file must
// be reported, and it must change nothing.
func TestReloadUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("reload under load takes a few seconds")
	}
	simA, simB, simC := startSim(t), startSim(t), startSim(t)
	cd := newTOMLDir(t)
	sock := filepath.Join(t.TempDir(), "control.sock")
	cd.secret("acme.password", "admin")
	cd.secret("admin.password", "admin")
	// The listeners are handed over as systemd would; the addresses in the
	// file are then not bound.
	header := fmt.Sprintf("[daemon]\nhttp_listen = \"127.0.0.1:8008\"\nsse_listen = \"127.0.0.1:8009\"\ncontrol_socket = %q\ndrain_timeout = \"5s\"\n", sock)
	render := func(withGamma bool) string {
		s := header + tomlTenant("acme", simA, "acme.password", testSecrets[0]) + tomlTenant("beta", simB, "admin.password", testSecrets[1])
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
	// started and done count each worker's calls, so the test can tell
	// when a call that began after a rotation has ended.
	var started, done [workers]atomic.Int64
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
				started[i].Add(1)
				_, err := call(cctx, c, tool, args)
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
		case 0: // change acme's password in Odoo and in the file
			pw := randomKey(t)
			odooFirst := rotations%2 == 0
			if odooFirst {
				simA.SetPassword("admin", pw)
			}
			cd.secret("acme.password", pw)
			res, err := d.Reload(context.Background())
			if err != nil || strings.Join(res.Changed, ",") != "acme" {
				t.Fatalf("reload %d (rotation) = %+v, %v; want acme changed", i, res, err)
			}
			if !odooFirst {
				simA.SetPassword("admin", pw)
			}
			// An operator does not change the password again before the
			// daemon has used this one: wait until each acme client has
			// finished a call begun after the change.
			var mark [workers]int64
			for w := 0; w < workers; w += 2 {
				mark[w] = started[w].Load()
			}
			waitFor(t, "acme calls begun after the rotation to end", func() bool {
				for w := 0; w < workers; w += 2 {
					if done[w].Load() <= mark[w] {
						return false
					}
				}
				return true
			})
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
	retried := strings.Count(logs.String(), "odoo refused the credentials, trying the newer ones once")
	t.Logf("50 reloads (%d rotations, %d broken files) under %d clients: %d calls, %d failed; %d Odoo calls refused and tried once more", rotations, brokenSeen, workers, calls.Load(), failures.Load(), retried)
	if failures.Load() != 0 {
		t.Fatalf("%d of %d calls failed on tenants that were never removed; first: %s", failures.Load(), calls.Load(), strings.Join(failed, "\n"))
	}
	if calls.Load() < workers {
		t.Fatalf("only %d calls made; the load did not run", calls.Load())
	}
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
