package daemon

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newCA(t *testing.T) *testCA {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a PEM certificate and key signed by the CA.
func (ca *testCA) issue(t *testing.T, serial int64, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// TestMutualTLS serves both listeners over TLS with client certificates
// required, and speaks MCP through it.
func TestMutualTLS(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t)
	srvCert, srvKey := ca.issue(t, 2, x509.ExtKeyUsageServerAuth)
	cliCert, cliKey := ca.issue(t, 3, x509.ExtKeyUsageClientAuth)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg := twoTenants(t)
	cfg.Daemon.TLSCert = write("server.pem", srvCert)
	cfg.Daemon.TLSKey = write("server.key", srvKey)
	cfg.Daemon.TLSClientCA = write("ca.pem", ca.pem)
	h := startDaemon(t, cfg, nil)

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.pem)
	pair, err := tls.X509KeyPair(cliCert, cliKey)
	if err != nil {
		t.Fatal(err)
	}
	withCert := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}}}}
	without := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}

	for _, addr := range []string{h.d.HTTPAddr(), h.d.SSEAddr()} {
		resp, err := withCert.Get("https://" + addr + "/healthz")
		if err != nil {
			t.Fatalf("https://%s/healthz with a client certificate: %v", addr, err)
		}
		resp.Body.Close()
		if resp, err := without.Get("https://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			t.Errorf("https://%s/healthz without a client certificate answered %d", addr, resp.StatusCode)
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode < 400 {
				t.Errorf("plain HTTP on the TLS listener %s answered %d", addr, resp.StatusCode)
			}
		}
	}

	tr, err := transport.NewStreamableHTTP("https://"+h.d.HTTPAddr()+"/acme/mcp", transport.WithHTTPBasicClient(withCert))
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithProtocolVersion(sessionVersion))
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = sessionVersion
	if _, err := c.Initialize(context.Background(), init); err != nil {
		t.Fatalf("initialize over mTLS: %v", err)
	}
	if got, err := callText(context.Background(), c, "whoami", nil); err != nil || got != "acme:acme1" {
		t.Fatalf("whoami over mTLS = %q, %v", got, err)
	}

	// A renewed certificate is served after a reload, on the same socket.
	serial := func() int64 {
		conn, err := tls.Dial("tcp", h.d.HTTPAddr(), &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{pair}})
		if err != nil {
			t.Fatalf("handshake: %v", err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	}
	if got := serial(); got != 2 {
		t.Fatalf("serial before renewal = %d, want 2", got)
	}
	newCert, newKey := ca.issue(t, 4, x509.ExtKeyUsageServerAuth)
	write("server.pem", newCert)
	write("server.key", newKey)
	if _, err := h.d.Reload(context.Background()); err != nil {
		t.Fatalf("reload after renewal: %v", err)
	}
	if got := serial(); got != 4 {
		t.Errorf("serial after renewal and reload = %d, want 4", got)
	}
	// A certificate file that no longer loads fails the reload and the
	// running certificate stays.
	write("server.pem", []byte("not a certificate"))
	if _, err := h.d.Reload(context.Background()); err == nil {
		t.Error("reload with a broken certificate succeeded")
	}
	if got := serial(); got != 4 {
		t.Errorf("serial after a failed reload = %d, want 4", got)
	}
}
