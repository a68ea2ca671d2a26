package packaging

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// recipes are the nginx front-ends shipped in packaging/nginx.
var recipes = []string{"tls.conf", "api-key.conf", "basic-auth.conf", "mtls.conf", "rate-limit.conf"}

// nginxSite rewrites a recipe for a private nginx on loopback: its own
// listen port, certificate paths in dir, the snippets from this tree and the
// given daemon addresses. Only the lines an operator is told to adapt change.
type nginxSite struct {
	dir               string // holds certs, htpasswd, the rewritten files
	listen            string // "127.0.0.1:PORT"
	httpAddr, sseAddr string // daemon listeners
	apiKey            string // replaces the placeholder key in api-key.conf
}

func (s nginxSite) rewrite(t *testing.T, recipe string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("nginx", recipe))
	if err != nil {
		t.Fatal(err)
	}
	snip := func(name, from, to string) string {
		b, err := os.ReadFile(filepath.Join("nginx/snippets", name))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(s.dir, name)
		writeFile(t, out, strings.ReplaceAll(string(b), from, to), 0o644)
		return out
	}
	up, err := os.ReadFile("nginx/snippets/odoo-mcpd-upstreams.conf")
	if err != nil {
		t.Fatal(err)
	}
	upstreams := strings.NewReplacer("server 127.0.0.1:8008;", "server "+s.httpAddr+";",
		"server 127.0.0.1:8009;", "server "+s.sseAddr+";").Replace(string(up))
	writeFile(t, filepath.Join(s.dir, "odoo-mcpd-upstreams.conf"), upstreams, 0o644)
	locations := snip("odoo-mcpd-locations.conf", "", "")
	r := strings.NewReplacer(
		"listen 443 ssl;", "listen "+s.listen+" ssl;",
		"/etc/nginx/snippets/odoo-mcpd-upstreams.conf", filepath.Join(s.dir, "odoo-mcpd-upstreams.conf"),
		"/etc/nginx/snippets/odoo-mcpd-locations.conf", locations,
		"/etc/ssl/odoo-mcpd/", s.dir+"/",
		"/etc/nginx/odoo-mcpd.htpasswd", filepath.Join(s.dir, "htpasswd"),
		"replace-with-a-long-random-key", s.apiKey,
	)
	return r.Replace(string(b))
}

// writeConf writes a whole nginx.conf around a site and returns its path.
func (s nginxSite) writeConf(t *testing.T, site string) string {
	t.Helper()
	// As root, nginx hands requests to an unprivileged worker that cannot
	// enter the test's private temp dir; keep the worker as the test's user.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	conf := fmt.Sprintf(`daemon off;
%[3]s
worker_processes 1;
pid %[1]s/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, s.dir, site, user)
	p := filepath.Join(s.dir, "nginx.conf")
	writeFile(t, p, conf, 0o644)
	return p
}

// makeCerts makes a CA, a server certificate for 127.0.0.1 and a client
// certificate, with openssl, in dir.
func makeCerts(t *testing.T, dir string) {
	t.Helper()
	need(t, "openssl")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	writeFile(t, filepath.Join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n", 0o644)
	run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		"-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=odoo-mcpd test CA")
	run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		"-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
	run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
		"-out", "server.crt", "-days", "2", "-extfile", "san.ext")
	run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		"-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=test-client")
	run("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
		"-out", "client.crt", "-days", "2")
	copyFile(t, filepath.Join(dir, "ca.crt"), filepath.Join(dir, "client-ca.crt"))
}

func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/sbin/nginx", "nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatal("nginx not found: run `make deps` (it installs Debian's nginx-light)")
	return ""
}

// Every recipe must be a valid nginx configuration once its paths are
// filled in.
func TestNginxRecipesParse(t *testing.T) {
	bin := nginxBinary(t)
	dir := t.TempDir()
	makeCerts(t, dir)
	writeFile(t, filepath.Join(dir, "htpasswd"), "alice:$apr1$x$y\n", 0o644)
	for _, recipe := range recipes {
		t.Run(recipe, func(t *testing.T) {
			s := nginxSite{dir: dir, listen: "127.0.0.1:1", httpAddr: "127.0.0.1:2", sseAddr: "127.0.0.1:3", apiKey: "k"}
			conf := s.writeConf(t, s.rewrite(t, recipe))
			if out, err := exec.Command(bin, "-t", "-q", "-c", conf, "-e", "stderr").CombinedOutput(); err != nil {
				t.Fatalf("nginx -t: %v\n%s", err, out)
			}
		})
	}
}
