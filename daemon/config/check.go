package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Value checks. Each returns the normalized value and, when the value is
// bad, a message completing "KEY: ..." that quotes what was found.

var (
	tenantNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	dbNameRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
	envNameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	tokenHashRE  = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	modelGlobRE  = regexp.MustCompile(`^[a-z0-9_.*?\[\]^-]+$`)
	modelNameRE  = regexp.MustCompile(`^[a-z0-9_][a-z0-9_.]*$`)
	fieldNameRE  = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	methodGlobRE = regexp.MustCompile(`^[A-Za-z0-9_*?\[\]^-]+$`)
	groupNameRE  = regexp.MustCompile(`^([a-z_][a-z0-9_-]{0,31}|[0-9]+)$`)
)

func checkTenantName(s string) string {
	if !tenantNameRE.MatchString(s) {
		return fmt.Sprintf("invalid tenant name %q: use 1 to 63 lower-case letters, digits, '-' and '_', starting with a letter or digit", s)
	}
	return ""
}

// checkOdooURL accepts http(s)://host[:port][/prefix] and returns it without
// a trailing slash. The URL is shown redacted: it may carry a password.
func checkOdooURL(s string) (string, string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", fmt.Sprintf("must be an http(s) URL, got %q", redactURL(s))
	}
	if u.User != nil {
		return "", fmt.Sprintf("must not contain a user or password (use username and password_file), got %q", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Sprintf("must not have a query or fragment, got %q", s)
	}
	if u.Hostname() == "" {
		return "", fmt.Sprintf("must name a host, got %q", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", fmt.Sprintf("has an invalid port, got %q", s)
		}
	}
	return strings.TrimRight(s, "/"), ""
}

// redactURL hides anything that looks like user info in a string that did
// not even parse as a URL.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	if at := strings.LastIndex(s, "@"); at >= 0 {
		if i := strings.Index(s, "://"); i >= 0 && i < at {
			return s[:i+3] + "xxxxx" + s[at:]
		}
		return "xxxxx" + s[at:]
	}
	return s
}

func checkDB(s string) (string, string) {
	if !dbNameRE.MatchString(s) {
		return "", fmt.Sprintf("must be a database name (letters, digits, '_', '.', '-'), got %q", s)
	}
	return s, ""
}

func checkUsername(s string) (string, string) {
	if s == "" || len(s) > 256 || strings.IndexFunc(s, unicode.IsControl) >= 0 || strings.TrimSpace(s) != s {
		return "", fmt.Sprintf("must be a login without control characters or surrounding spaces, got %q", s)
	}
	return s, ""
}

func checkEnvName(s string) (string, string) {
	if !envNameRE.MatchString(s) {
		return "", fmt.Sprintf("must be an environment variable name, got %q", s)
	}
	return s, ""
}

// checkTokenHash never quotes the value: an operator who pasted the token
// itself instead of its hash would otherwise see it printed.
func checkTokenHash(s string) (string, string) {
	n := strings.ToLower(strings.TrimSpace(s))
	if !tokenHashRE.MatchString(n) {
		return "", fmt.Sprintf(`must be "sha256:" and 64 hex digits (the line odoo-mcpctl token new prints, not the token itself), got %d characters`, len(s))
	}
	return n, ""
}

func checkCIDR(s string) (string, string) {
	if p, err := netip.ParsePrefix(s); err == nil {
		if p.Masked() != p {
			return "", fmt.Sprintf("must be a CIDR without host bits, got %q (did you mean %q?)", s, p.Masked().String())
		}
		return p.String(), ""
	}
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return netip.PrefixFrom(a, a.BitLen()).String(), ""
	}
	return "", fmt.Sprintf("must be an IP address or CIDR like \"10.0.0.0/8\", got %q", s)
}

func checkOrigin(s string) (string, string) {
	bad := fmt.Sprintf("must be an origin like \"https://app.example.com\" (scheme, host and optional port only), got %q", redactURL(s))
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", bad
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", bad
		}
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), ""
}

// checkModelGlob accepts "res.partner", "sale.*" and "!hr.*" (deny).
func checkModelGlob(s string) (string, string) {
	g := strings.TrimPrefix(s, "!")
	if g == "" || !modelGlobRE.MatchString(g) {
		return "", fmt.Sprintf("must be a model name or glob like \"sale.*\", optionally prefixed with \"!\" to deny, got %q", s)
	}
	if _, err := path.Match(g, ""); err != nil {
		return "", fmt.Sprintf("is not a valid glob (%v), got %q", err, s)
	}
	return s, ""
}

// checkMethodGlob refuses names starting with "_": Odoo's private methods
// are never callable, so such a pattern is a mistake.
func checkMethodGlob(s string) (string, string) {
	if s == "" || !methodGlobRE.MatchString(s) {
		return "", fmt.Sprintf("must be a method name or glob like \"action_*\", got %q", s)
	}
	if strings.HasPrefix(s, "_") {
		return "", fmt.Sprintf("names a private method (leading '_'), which is never callable, got %q", s)
	}
	if _, err := path.Match(s, ""); err != nil {
		return "", fmt.Sprintf("is not a valid glob (%v), got %q", err, s)
	}
	return s, ""
}

func checkFieldName(s string) (string, string) {
	if !fieldNameRE.MatchString(s) {
		return "", fmt.Sprintf("must be a field name like \"password_crypt\", got %q", s)
	}
	return s, ""
}

// checkListen accepts "host:port", ":port" and "" (disabled).
func checkListen(s string) (string, string) {
	if s == "" {
		return "", ""
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Sprintf("must be host:port like \"127.0.0.1:8008\", or \"\" to disable, got %q", s)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return "", fmt.Sprintf("has an invalid port, got %q", s)
	}
	if host != "" && !validHost(host) {
		return "", fmt.Sprintf("has an invalid host, got %q", s)
	}
	return s, ""
}

var hostLabelRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if !hostLabelRE.MatchString(label) {
			return false
		}
	}
	return true
}

// checkAllowedHost accepts a host name or IP with an optional port, the
// way a Host header carries it.
func checkAllowedHost(s string) (string, string) {
	bad := fmt.Sprintf("must be a host name like \"mcp.example.com\" (optionally with :port), got %q", s)
	h := s
	if host, port, err := net.SplitHostPort(s); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", bad
		}
		h = host
	}
	if h == "" || !validHost(h) {
		return "", bad
	}
	return strings.ToLower(s), ""
}

func checkEndpointPath(s string) (string, string) {
	if !strings.HasPrefix(s, "/") || len(s) < 2 || path.Clean(s) != s || strings.ContainsAny(s, "?#% \t") {
		return "", fmt.Sprintf("must be a clean path like \"/mcp\", got %q", s)
	}
	return s, ""
}

func checkAbsPath(s string) (string, string) {
	if !path.IsAbs(s) || strings.ContainsRune(s, 0) {
		return "", fmt.Sprintf("must be an absolute path, got %q", s)
	}
	return s, ""
}

// checkSocketPath also respects the kernel's limit on a unix socket path.
func checkSocketPath(s string) (string, string) {
	if _, msg := checkAbsPath(s); msg != "" {
		return "", msg
	}
	if len(s) > 107 {
		return "", fmt.Sprintf("must be at most 107 bytes long (a unix socket path limit), got %d bytes", len(s))
	}
	return s, ""
}
