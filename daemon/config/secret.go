package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// secretRefs records where a tenant's password or API key comes from: the
// file itself (discouraged), a file, or an environment variable. Exactly
// one may be set.
type secretRefs struct {
	inline, file, env *entry
}

func (r secretRefs) none() bool { return r.inline == nil && r.file == nil && r.env == nil }

func (r secretRefs) set() []*entry {
	var out []*entry
	for _, e := range []*entry{r.inline, r.file, r.env} {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// secretRef type-checks a secret setting. Its value is never quoted: for
// an inline secret that would print it, and a file or variable name is
// described the same way for symmetry.
func (l *loader) secretRef(e entry) *entry {
	s, ok := e.val.(string)
	if !ok {
		l.errorf(e, "must be a string, got %s", kindOf(e.val))
		return &entry{key: e.key, line: e.line, name: e.name} // counts as set, value unusable
	}
	if s == "" {
		l.errorf(e, "is empty")
	}
	return &e
}

// maxSecretSize bounds a secret file: a password or key is short, and a
// mistaken path to a large file should not be read into memory.
const maxSecretSize = 64 << 10

func (l *loader) resolveSecret(t *table, kind string, r secretRefs) odoo.Secret {
	set := r.set()
	if len(set) == 0 {
		return odoo.Secret{}
	}
	if len(set) > 1 {
		names := make([]string, len(set))
		for i, e := range set {
			names[i] = e.name
		}
		lastLine := set[0].line.get()
		for _, e := range set {
			lastLine = max(lastLine, e.line.get())
		}
		l.problem(lastLine, t.key, "%s is given more than once (%s); keep exactly one", kind, strings.Join(names, " and "))
		return odoo.Secret{}
	}
	e := set[0]
	v, ok := e.val.(string)
	if !ok || v == "" {
		return odoo.Secret{} // already reported by secretRef
	}
	switch e {
	case r.inline:
		l.inlineSecrets = true
		l.warnf(*e, "secret written in the config file; prefer %s_file (with systemd LoadCredential=) or %s_env", kind, kind)
		return odoo.NewSecret(v)
	case r.env:
		if _, msg := checkEnvName(v); msg != "" {
			l.errorf(*e, "%s", msg)
			return odoo.Secret{}
		}
		s := l.env(v)
		if s == "" {
			l.errorf(*e, "environment variable %s is not set or empty", v)
			return odoo.Secret{}
		}
		return odoo.NewSecret(s)
	default:
		s, msg := l.readSecretFile(v)
		if msg != "" {
			l.errorf(*e, "%s", msg)
			return odoo.Secret{}
		}
		return odoo.NewSecret(s)
	}
}

// secretPath resolves a secret file name: absolute paths as written,
// relative names under $CREDENTIALS_DIRECTORY (systemd's LoadCredential=)
// when it is set, otherwise beside the config file.
func (l *loader) secretPath(name string) (string, string) {
	if filepath.IsAbs(name) {
		return name, ""
	}
	if dir := l.env("CREDENTIALS_DIRECTORY"); dir != "" {
		return filepath.Join(dir, name), "$CREDENTIALS_DIRECTORY"
	}
	return filepath.Join(filepath.Dir(l.file), name), "the config file's directory ($CREDENTIALS_DIRECTORY is not set)"
}

func (l *loader) readSecretFile(name string) (string, string) {
	p, base := l.secretPath(name)
	where := fmt.Sprintf("%q", p)
	if base != "" {
		where = fmt.Sprintf("%q (resolved under %s)", p, base)
	}
	f, err := os.Open(p)
	if err != nil {
		hint := ""
		if os.IsPermission(err) {
			hint = "; the daemon's user must be able to read it (with systemd, use LoadCredential=)"
		}
		return "", fmt.Sprintf("cannot read %s: %s%s", where, describeOSError(err), hint)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Sprintf("cannot read %s: %s", where, describeOSError(err))
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Sprintf("cannot read %s: not a regular file", where)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSecretSize+1))
	if err != nil {
		return "", fmt.Sprintf("cannot read %s: %s", where, describeOSError(err))
	}
	if len(data) > maxSecretSize {
		return "", fmt.Sprintf("%s is larger than %d bytes; is it the right file?", where, maxSecretSize)
	}
	// Editors and `echo` end files with a newline that is not part of the secret.
	s := strings.TrimRight(string(data), "\r\n")
	if s == "" {
		return "", fmt.Sprintf("%s is empty", where)
	}
	return s, ""
}
