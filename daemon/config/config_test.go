package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testEnv is the environment every golden test sees.
func testEnv(extra ...string) func(string) string {
	m := map[string]string{
		"CREDENTIALS_DIRECTORY": filepath.Join("testdata", "creds"),
		"ACME_PASSWORD":         "env-secret-acme",
		"GLOBEX_ODOO_PASSWORD":  "env-secret-globex",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return func(k string) string { return m[k] }
}

// render shows a loaded File for golden comparison. Secrets print as
// REDACTED through their MarshalText; whether one was found is shown
// separately.
func render(t *testing.T, f *File) string {
	t.Helper()
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.Write(b)
	sb.WriteString("\n")
	for _, c := range f.Tenants {
		fmt.Fprintf(&sb, "%s: password set=%t api_key set=%t\n", c.Name, !c.Password.IsZero(), !c.APIKey.IsZero())
	}
	return sb.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestGood(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "good", "*.toml"))
	if len(files) == 0 {
		t.Fatal("no testdata/good/*.toml")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := Load(path, testEnv())
			if err != nil {
				t.Fatalf("Load(%q) = %v, want no error", path, err)
			}
			golden(t, strings.TrimSuffix(path, ".toml")+".golden", render(t, f))
		})
	}
}

func TestBad(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.toml"))
	if len(files) == 0 {
		t.Fatal("no testdata/bad/*.toml")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := Load(path, testEnv())
			if err == nil {
				t.Fatalf("Load(%q) = %+v, want an error", path, f)
			}
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("Load(%q) error %T %v, want *Error with problems", path, err, err)
			}
			golden(t, strings.TrimSuffix(path, ".toml")+".err", err.Error()+"\n")
		})
	}
}

func TestExampleFile(t *testing.T) {
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "acme.password"), []byte("example-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CREDENTIALS_DIRECTORY": creds, "GLOBEX_ODOO_PASSWORD": "globex-pw"}
	path := filepath.Join("..", "..", "packaging", "tenants.example.toml")
	f, err := Load(path, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("Load(%q) = %v", path, err)
	}
	if len(f.Tenants) != 2 {
		t.Fatalf("example has %d tenants, want 2", len(f.Tenants))
	}
	acme, _ := f.Tenant("acme")
	if acme.Password.Reveal() != "example-pw" || !acme.ReadOnly || acme.Username != "mcp-bot@acme.example.com" {
		t.Errorf("acme = %+v, want password from the credentials directory, read_only, own username", acme)
	}
	globex, _ := f.Tenant("globex")
	if globex.Username != "mcp-bot" || globex.Password.Reveal() != "globex-pw" || globex.Context["lang"] != "en_US" {
		t.Errorf("globex = %+v, want username and context from [defaults]", globex)
	}
	if len(f.Warnings) != 0 {
		t.Errorf("example warnings: %q", f.Warnings)
	}
	// Every key the loader knows appears in the example, so it documents them all.
	text, _ := os.ReadFile(path)
	for _, k := range append(append([]string{}, daemonKeys...), tenantKeys...) {
		if !strings.Contains(string(text), "\n"+k+" =") && !strings.Contains(string(text), "# "+k+" =") && !strings.Contains(string(text), "."+k+"]") {
			t.Errorf("example does not show key %s", k)
		}
	}
}

func TestDefaultsInheritance(t *testing.T) {
	src := `
[defaults]
timeout = "5s"
read_only = true
models = ["res.*"]

[tenants.a]
url = "http://a.example.com"
db = "a"
username = "u"
password_env = "ACME_PASSWORD"

[tenants.b]
url = "http://b.example.com"
db = "b"
username = "u"
password_env = "ACME_PASSWORD"
read_only = false
timeout = "1m"
`
	f, err := Parse("t.toml", []byte(src), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.Tenant("a")
	b, _ := f.Tenant("b")
	if a.Timeout.String() != "5s" || !a.ReadOnly || len(a.Models) != 1 {
		t.Errorf("a = timeout %v read_only %v models %v, want inherited 5s true [res.*]", a.Timeout, a.ReadOnly, a.Models)
	}
	if b.Timeout.String() != "1m0s" || b.ReadOnly {
		t.Errorf("b = timeout %v read_only %v, want overrides 1m false", b.Timeout, b.ReadOnly)
	}
	if a.MaxRecords != defaultMaxRecords || a.Protocol != "xmlrpc" || a.Access.MaxBodyBytes != defaultMaxBodyBytes {
		t.Errorf("a built-in defaults not applied: %+v", a)
	}
	if a.Password.Reveal() != "env-secret-acme" {
		t.Errorf("a password from env not read")
	}
}

// TestProblems checks single values: each source must give exactly the
// message listed (after the file name).
func TestProblems(t *testing.T) {
	const head = "[tenants.t]\nurl = \"http://o.example.com\"\ndb = \"d\"\nusername = \"u\"\npassword_env = \"ACME_PASSWORD\"\n"
	tests := []struct {
		name, src, want string
	}{
		{"bad url", head + "[tenants.x]\nurl = \"acme.local\"\ndb='d'\nusername='u'\npassword_env='ACME_PASSWORD'\n",
			`t.toml:7: tenants.x.url: must be an http(s) URL, got "acme.local"`},
		{"ftp url", "[tenants.x]\nurl = \"ftp://h\"\ndb='d'\nusername='u'\npassword_env='ACME_PASSWORD'\n",
			`t.toml:2: tenants.x.url: must be an http(s) URL, got "ftp://h"`},
		{"url with password", "[tenants.x]\nurl = \"https://bob:hunter2@h\"\ndb='d'\nusername='u'\npassword_env='ACME_PASSWORD'\n",
			`t.toml:2: tenants.x.url: must not contain a user or password (use username and password_file), got "https://bob:xxxxx@h"`},
		{"duration", head + "timeout = \"30\"\n", `t.toml:6: tenants.t.timeout: must be a duration like "30s" or "5m", got "30"`},
		{"duration type", head + "timeout = 30\n", `t.toml:6: tenants.t.timeout: must be a duration like "30s" or "5m", got 30`},
		{"negative", head + "max_records = -1\n", `t.toml:6: tenants.t.max_records: must be between 1 and 100000, got -1`},
		{"absurd", head + "max_records = 99999999999\n", `t.toml:6: tenants.t.max_records: must be between 1 and 100000, got 99999999999`},
		{"wrong type", head + "read_only = \"yes\"\n", `t.toml:6: tenants.t.read_only: must be true or false, got "yes"`},
		{"unknown key", head + "pasword_file = \"x\"\n", `t.toml:6: tenants.t.pasword_file: unknown key (did you mean password_file?)`},
		{"case matters", head + "URL = \"x\"\n", `t.toml:6: tenants.t.URL: unknown key (did you mean url?)`},
		{"tenant name", "[tenants.Acme]\nurl='http://h'\n", `t.toml:1: tenants.Acme: invalid tenant name "Acme": use 1 to 63 lower-case letters, digits, '-' and '_', starting with a letter or digit`},
		{"duplicate", head + "[tenants.t]\n", `t.toml:6: tenants.t: tenant "t" is defined twice; tenant names must be unique`},
		{"token", head + "client_tokens = [\"sha256:abc\"]\n", `t.toml:6: tenants.t.client_tokens: element 1 must be "sha256:" and 64 hex digits (the line odoo-mcpctl token new prints, not the token itself), got 10 characters`},
		{"cidr", head + "allow_ips = [\"10.0.0.1/8\"]\n", `t.toml:6: tenants.t.allow_ips: element 1 must be a CIDR without host bits, got "10.0.0.1/8" (did you mean "10.0.0.0/8"?)`},
		{"cidr garbage", head + "allow_ips = [\"10.0.0\"]\n", `t.toml:6: tenants.t.allow_ips: element 1 must be an IP address or CIDR like "10.0.0.0/8", got "10.0.0"`},
		{"origin", head + "allow_origins = [\"https://a.example.com/path\"]\n", `t.toml:6: tenants.t.allow_origins: element 1 must be an origin like "https://app.example.com" (scheme, host and optional port only), got "https://a.example.com/path"`},
		{"protocol", head + "protocol = \"jsonrpc\"\n", `t.toml:6: tenants.t.protocol: must be one of xmlrpc, json2, auto, got "jsonrpc"`},
		{"confirm", head + "confirm_writes = \"yes\"\n", `t.toml:6: tenants.t.confirm_writes: must be one of off, destructive, all, got "yes"`},
		{"glob", head + "models = [\"sale.[\"]\n", `t.toml:6: tenants.t.models: element 1 is not a valid glob (syntax error in pattern), got "sale.["`},
		{"model chars", head + "models = [\"Sale Order\"]\n", `t.toml:6: tenants.t.models: element 1 must be a model name or glob like "sale.*", optionally prefixed with "!" to deny, got "Sale Order"`},
		{"private method", head + "methods = [\"_compute\"]\n", `t.toml:6: tenants.t.methods: element 1 names a private method (leading '_'), which is never callable, got "_compute"`},
		{"log level", "[daemon]\nlog_level = \"verbose\"\n" + head, `t.toml:2: daemon.log_level: must be one of debug, info, warn, error, got "verbose"`},
		{"log format", "[daemon]\nlog_format = \"xml\"\n" + head, `t.toml:2: daemon.log_format: must be one of auto, text, json, got "xml"`},
		{"listen", "[daemon]\nhttp_listen = \"8008\"\n" + head, `t.toml:2: daemon.http_listen: must be host:port like "127.0.0.1:8008", or "" to disable, got "8008"`},
		{"same listen", "[daemon]\nhttp_listen = \"127.0.0.1:1\"\nsse_listen = \"127.0.0.1:1\"\n" + head, `t.toml:3: daemon.sse_listen: http_listen and sse_listen must differ, both are "127.0.0.1:1"`},
		{"mode", "[daemon]\ncontrol_mode = \"0999\"\n" + head, `t.toml:2: daemon.control_mode: must be an octal mode like "0660" or 0o660, got "0999"`},
		{"socket relative", "[daemon]\ncontrol_socket = \"ctl.sock\"\n" + head, `t.toml:2: daemon.control_socket: must be an absolute path, got "ctl.sock"`},
		{"tls half", "[daemon]\ntls_cert = \"testdata/creds/acme.password\"\n" + head, `t.toml:2: daemon.tls_cert: must be an absolute path, got "testdata/creds/acme.password"`},
		{"unknown table", "[deamon]\n" + head, `t.toml:1: deamon: unknown key (did you mean daemon?)`},
		{"defaults per tenant", "[defaults]\nurl = \"http://h\"\n" + head, `t.toml:2: defaults.url: is set per tenant, not in [defaults]; move it to each [tenants.NAME] table`},
		{"twice", head + "password = \"x\"\n", `t.toml:6: tenants.t: password is given more than once (password and password_env); keep exactly one`},
		{"missing env", head + "api_key_env = \"NOPE\"\n", `t.toml:6: tenants.t.api_key_env: environment variable NOPE is not set or empty`},
		{"missing file", head + "api_key_file = \"nope\"\n", `t.toml:6: tenants.t.api_key_file: cannot read "testdata/creds/nope" (resolved under $CREDENTIALS_DIRECTORY): no such file`},
		{"empty file", head + "api_key_file = \"empty\"\n", `t.toml:6: tenants.t.api_key_file: "testdata/creds/empty" (resolved under $CREDENTIALS_DIRECTORY) is empty`},
		{"json2 without key", head + "protocol = \"json2\"\n", `t.toml:6: tenants.t.protocol: protocol "json2" needs an API key: set api_key_file or api_key_env`},
		{"missing", "[tenants.x]\nurl = \"http://h\"\n", "t.toml:1: tenants.x: missing db\nt.toml:1: tenants.x: missing username\nt.toml:1: tenants.x: no credentials: set password_file, password_env, api_key_file or api_key_env"},
		{"syntax", head + "timeout = \n", `t.toml:6: TOML syntax error: expected value but found '\n' instead`},
		{"not a table", "tenants = 3\n", `t.toml:1: tenants: must be a table, got 3`},
		{"tenant not a table", "[tenants]\nacme = \"x\"\n", `t.toml:2: tenants.acme: must be a table, got "x"`},
		{"context", head + "context = { lang = { a = 1 } }\n", `t.toml:6: tenants.t.context: value of "lang" must be a string, number, boolean or array of them, got a table`},
		{"deny fields", head + "[tenants.t.deny_fields]\n\"res.partner\" = [\"Bad Field\"]\n", `t.toml:7: tenants.t.deny_fields."res.partner": element 1 must be a field name like "password_crypt", got "Bad Field"`},
		{"rate", head + "rate_limit = -2.5\n", `t.toml:6: tenants.t.rate_limit: must be between 0 and 1e+06, got -2.5`},
		{"inf", head + "rate_limit = nan\n", `t.toml:6: tenants.t.rate_limit: must be between 0 and 1e+06, got NaN`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("t.toml", []byte(tt.src), testEnv())
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error %q", tt.src, f, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Parse(%q) error\n got: %s\nwant: %s", tt.src, got, tt.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	src := "[daemon]\ncontrol_mode = 0o666\n[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword = \"inline-secret-value\"\n"
	f, err := Parse("t.toml", []byte(src), testEnv())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"t.toml:2: daemon.control_mode: mode 0666 lets every user on the host drive the daemon and read every tenant",
		"t.toml:7: tenants.t.password: secret written in the config file; prefer password_file (with systemd LoadCredential=) or password_env",
	}
	if strings.Join(f.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("Warnings = %q, want %q", f.Warnings, want)
	}
	c, _ := f.Tenant("t")
	if c.Password.Reveal() != "inline-secret-value" {
		t.Errorf("inline password not kept")
	}
}

func TestUnreadableSecretFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "pw")
	if err := os.WriteFile(p, []byte("locked-secret"), 0o000); err != nil {
		t.Fatal(err)
	}
	src := fmt.Sprintf("[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword_file = %q\n", p)
	_, err := Parse("t.toml", []byte(src), nil)
	want := fmt.Sprintf("t.toml:5: tenants.t.password_file: cannot read %q: permission denied; the daemon's user must be able to read it (with systemd, use LoadCredential=)", p)
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %s", err, want)
	}
}

func TestSecretFileRelativeToConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("beside-config\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "tenants.toml")
	src := "[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword_file = \"pw\"\n"
	if err := os.WriteFile(cfg, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := f.Tenant("t"); c.Password.Reveal() != "beside-config" {
		t.Errorf("password = %q, want the file's text without its line ending", c.Password.Reveal())
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.toml", nil)
	want := "testdata/does-not-exist.toml: cannot read config file: no such file"
	if err == nil || err.Error() != want {
		t.Errorf("Load error = %v, want %s", err, want)
	}
}

// TestNoSecretInErrors feeds secrets to every place one can be written,
// wrongly, and checks no problem text repeats them.
func TestNoSecretInErrors(t *testing.T) {
	const s1, s2, s3, s4 = "Sup3rS3cretPw", "tok_2b7e151628aed2a6abf7158809cf4f3c", "hunter2pass", "EnvSecretValue9"
	env := testEnv("SECRET_ENV", s4)
	srcs := []string{
		// inline secret next to another source; file broken elsewhere
		fmt.Sprintf("[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword = %q\npassword_env = \"SECRET_ENV\"\nmax_records = -1\n", s1),
		// a raw token pasted instead of its hash
		fmt.Sprintf("[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword_env = \"SECRET_ENV\"\nclient_tokens = [%q]\n", s2),
		// credentials in the URL
		fmt.Sprintf("[tenants.t]\nurl = \"https://admin:%s@h/x\"\ndb = \"d\"\nusername = \"u\"\npassword_env = \"SECRET_ENV\"\n", s3),
		fmt.Sprintf("[tenants.t]\nurl = \"admin:%s@h\"\ndb = \"d\"\nusername = \"u\"\npassword_env = \"SECRET_ENV\"\n", s3),
		// credentials in an allowed origin
		fmt.Sprintf("[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword_env = \"SECRET_ENV\"\nallow_origins = [\"https://bob:%s@app.example.com\"]\n", s3),
		// a secret of the wrong type, and an api key both inline and from env
		fmt.Sprintf("[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword = [%q]\napi_key = %q\napi_key_env = \"SECRET_ENV\"\n", s1, s1),
		// json2 without key, inline secret in defaults
		fmt.Sprintf("[defaults]\npassword = %q\n[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword = %q\nprotocol = \"json2\"\n", s1, s1),
		// a syntax error on the secret's line
		fmt.Sprintf("[tenants.t]\npassword = %q x\n", s1),
		// a secret without quotes: the parser quotes what it found
		fmt.Sprintf("[tenants.t]\npassword = %s\n", s1),
		fmt.Sprintf("[tenants.t]\nurl = \"http://h\"\napi_key = %s\n", s2),
		fmt.Sprintf("[tenants.t]\nclient_tokens = [%s]\n", s2),
	}
	for i, src := range srcs {
		f, err := Parse("t.toml", []byte(src), env)
		if err == nil {
			t.Fatalf("case %d: Parse = %+v, want an error", i, f)
		}
		for _, s := range []string{s1, s2, s3, s4} {
			// The parser quotes the first characters of what it tripped
			// on; a quoted prefix of a secret is a leak too.
			if strings.Contains(err.Error(), s) || strings.Contains(err.Error(), `"`+s[:3]) {
				t.Errorf("case %d: error contains a secret: %s", i, err)
			}
		}
	}
}

func TestFromEnv(t *testing.T) {
	envOf := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	if f, ok, err := FromEnv(envOf()); f != nil || ok || err != nil {
		t.Errorf("FromEnv(empty) = %v, %v, %v, want nil, false, nil", f, ok, err)
	}
	f, ok, err := FromEnv(envOf("ODOO_URL", "https://o.example.com/", "ODOO_DB", "prod", "ODOO_USERNAME", "bot",
		"ODOO_PASSWORD", "seed-secret", "MCP_HOST", "0.0.0.0", "MCP_PORT", "9000", "MCP_HTTP_PATH", "/mcp2", "MCP_SSE_PATH", "/events"))
	if err != nil || !ok {
		t.Fatalf("FromEnv = %v, %v", ok, err)
	}
	want := Daemon{HTTPListen: "0.0.0.0:9000", SSEListen: "0.0.0.0:8009", HTTPPath: "/mcp2", SSEPath: "/events"}
	d := f.Daemon
	if d.HTTPListen != want.HTTPListen || d.SSEListen != want.SSEListen || d.HTTPPath != want.HTTPPath || d.SSEPath != want.SSEPath {
		t.Errorf("FromEnv daemon = %+v, want %+v", d, want)
	}
	c := f.Tenants[0]
	wantC := defaultTenant()
	wantC.Name, wantC.URL, wantC.DB, wantC.Username = "default", "https://o.example.com", "prod", "bot"
	wantC.Password = c.Password
	if !c.Equal(wantC) || c.Password.Reveal() != "seed-secret" {
		t.Errorf("FromEnv tenant = %+v, want %+v", c, wantC)
	}

	_, ok, err = FromEnv(envOf("ODOO_URL", "acme.local", "ODOO_PASSWORD", "seed-secret", "MCP_PORT", "http"))
	wantErr := "environment: to serve one tenant from the environment, also set ODOO_DB, ODOO_USERNAME\n" +
		"environment: ODOO_URL: must be an http(s) URL, got \"acme.local\"\n" +
		"environment: MCP_PORT: must be a port number between 1 and 65535, got \"http\""
	if !ok || err == nil || err.Error() != wantErr {
		t.Errorf("FromEnv(partial) = %v, %v, want true and\n%s", ok, err, wantErr)
	}
	if err != nil && strings.Contains(err.Error(), "seed-secret") {
		t.Errorf("error contains the password")
	}
}

func TestEqualAcrossLoads(t *testing.T) {
	f1, err1 := Load(filepath.Join("testdata", "good", "full.toml"), testEnv())
	f2, err2 := Load(filepath.Join("testdata", "good", "full.toml"), testEnv())
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for i := range f1.Tenants {
		if !f1.Tenants[i].Equal(f2.Tenants[i]) {
			t.Errorf("tenant %s differs between two loads of the same file", f1.Tenants[i].Name)
		}
	}
	var _ tenant.Config = f1.Tenants[0]
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "*.toml"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("[tenants.a]\nurl = 'http://h'\ncontext = {a=[1,{b=2}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.toml", data, testEnv())
		if err == nil && file == nil {
			t.Fatal("Parse returned neither a File nor an error")
		}
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("Parse error %T %v, want *Error with problems", err, err)
			}
		}
	})
}

// TestEphemeralPorts: port 0 on both listeners asks for two free ports,
// which never collide, so it is not the "must differ" mistake.
func TestEphemeralPorts(t *testing.T) {
	src := "[daemon]\nhttp_listen = \"127.0.0.1:0\"\nsse_listen = \"127.0.0.1:0\"\n[tenants.t]\nurl = \"http://h\"\ndb = \"d\"\nusername = \"u\"\npassword_env = \"SECRET_ENV\"\n"
	f, err := Parse("t.toml", []byte(src), testEnv("SECRET_ENV", "x"))
	if err != nil {
		t.Fatalf("Parse = %v, want no error", err)
	}
	if f.Daemon.HTTPListen != "127.0.0.1:0" || f.Daemon.SSEListen != "127.0.0.1:0" {
		t.Errorf("listen = %q, %q", f.Daemon.HTTPListen, f.Daemon.SSEListen)
	}
}
