package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlclient"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

// exitError ends the program with a status after run has already said
// everything on stderr.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage: odoo-mcpctl [-socket PATH] COMMAND [ARGS]

Commands:
  status [--json]          the daemon and every tenant: state, Odoo version, calls, latency
  tenants [--json]         the tenants the daemon serves
  reload                   re-read the configuration file and apply it
  check TENANT             log in to the tenant's Odoo now
  stdio --tenant NAME      bridge stdin/stdout to the tenant's MCP server (for desktop MCP clients)
  token new                print a new client token and the hash for client_tokens
  version                  print the versions of odoo-mcpctl and the running odoo-mcpd

The socket defaults to $` + ctlapi.SocketEnv + ` or ` + ctlapi.DefaultSocket + `.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("odoo-mcpctl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	socket := fs.String("socket", "", "control socket path")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(stdout, usage)
			return nil
		}
		return usageError{err.Error() + "\n" + usage}
	}
	c := &ctlclient.Client{Socket: *socket}
	if c.Socket == "" && getenv != nil {
		c.Socket = getenv(ctlapi.SocketEnv)
	}
	args = fs.Args()
	if len(args) == 0 {
		return usageError{"missing command\n" + usage}
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "status":
		return cmdStatus(ctx, c, args, stdout)
	case "tenants":
		return cmdTenants(ctx, c, args, stdout)
	case "reload":
		return cmdReload(ctx, c, args, stdout, stderr)
	case "check":
		return cmdCheck(ctx, c, args, stdout, stderr)
	case "stdio":
		return cmdStdio(ctx, c, args, stdin, stdout, stderr)
	case "token":
		return cmdToken(args, stdout)
	case "version":
		return cmdVersion(ctx, c, args, stdout)
	case "help", "-h", "--help":
		io.WriteString(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
}

// subFlags parses a subcommand's flags, allowing no positional arguments
// beyond nargs.
func subFlags(name string, args []string, nargs int, define func(*flag.FlagSet)) ([]string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageError{name + ": " + err.Error()}
	}
	rest := fs.Args()
	if len(rest) != nargs {
		return nil, usageError{fmt.Sprintf("%s: want %d argument(s), got %d", name, nargs, len(rest))}
	}
	return rest, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdStatus(ctx context.Context, c *ctlclient.Client, args []string, stdout io.Writer) error {
	var asJSON bool
	if _, err := subFlags("status", args, 0, func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "") }); err != nil {
		return err
	}
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, st)
	}
	return printStatus(stdout, st)
}

func printStatus(w io.Writer, st *ctlapi.Status) error {
	fmt.Fprintf(w, "odoo-mcpd %s  pid %d  up %s\n", st.Version, st.PID, roundDuration(time.Duration(st.Uptime), time.Second))
	fmt.Fprintf(w, "config     %s\n", orDash(st.ConfigPath))
	if st.HTTPAddr != "" || st.SSEAddr != "" {
		fmt.Fprintf(w, "listening  http %s  sse %s\n", orDash(st.HTTPAddr), orDash(st.SSEAddr))
	}
	if r := st.LastReload; r != nil {
		if r.OK {
			fmt.Fprintf(w, "reload     ok at %s (%d since start)\n", r.At.UTC().Format(time.RFC3339), r.Count)
		} else {
			fmt.Fprintf(w, "reload     FAILED at %s (%d since start), running configuration kept:\n",
				r.At.UTC().Format(time.RFC3339), r.Count)
			for _, line := range strings.Split(strings.TrimSpace(r.Error), "\n") {
				fmt.Fprintf(w, "           %s\n", line)
			}
		}
	}
	fmt.Fprintln(w)
	if len(st.Tenants) == 0 {
		fmt.Fprintln(w, "no tenants")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tSTATE\tODOO\tSESSIONS\tCALLS\tERRORS\tP50\tP99\tLAST ERROR")
	for _, t := range st.Tenants {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", t.Name, t.State, orDash(t.OdooVersion),
			t.Sessions, t.Calls, t.Errors, latency(t.LatencyP50), latency(t.LatencyP99), orDash(lastError(t)))
	}
	return tw.Flush()
}

func lastError(t ctlapi.TenantStatus) string {
	if t.LastError == "" {
		return ""
	}
	s := oneLine(t.LastError)
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	if t.LastErrorAt != nil {
		s = t.LastErrorAt.UTC().Format("15:04:05") + " " + s
	}
	return s
}

func cmdTenants(ctx context.Context, c *ctlclient.Client, args []string, stdout io.Writer) error {
	var asJSON bool
	if _, err := subFlags("tenants", args, 0, func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "") }); err != nil {
		return err
	}
	ts, err := c.Tenants(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, ts)
	}
	if len(ts) == 0 {
		fmt.Fprintln(stdout, "no tenants")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TENANT\tSTATE\tURL\tDB\tPROTOCOL\tACCESS")
	for _, t := range ts {
		access := "read-write"
		if t.ReadOnly {
			access = "read-only"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.State, t.URL, t.DB, orDash(t.Protocol), access)
	}
	return tw.Flush()
}

func cmdReload(ctx context.Context, c *ctlclient.Client, args []string, stdout, stderr io.Writer) error {
	if _, err := subFlags("reload", args, 0, nil); err != nil {
		return err
	}
	res, err := c.Reload(ctx)
	if err != nil {
		var ae *ctlclient.APIError
		if errors.As(err, &ae) {
			// The daemon's words, verbatim: they name the file, line and key.
			fmt.Fprintln(stderr, ae.Error())
			return exitError(1)
		}
		return err
	}
	fmt.Fprintf(stdout, "reloaded in %s\n", roundDuration(time.Duration(res.Duration), time.Microsecond))
	tw := tabwriter.NewWriter(stdout, 0, 0, 1, ' ', 0)
	for _, row := range []struct {
		label string
		names []string
	}{{"added:", res.Added}, {"removed:", res.Removed}, {"changed:", res.Changed}, {"unchanged:", res.Unchanged}} {
		list := "-"
		if len(row.names) > 0 {
			list = strings.Join(row.names, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\n", row.label, list)
	}
	return tw.Flush()
}

func cmdCheck(ctx context.Context, c *ctlclient.Client, args []string, stdout, stderr io.Writer) error {
	rest, err := subFlags("check", args, 1, nil)
	if err != nil {
		return err
	}
	res, err := c.Check(ctx, rest[0])
	if err != nil {
		return err
	}
	if !res.OK {
		fmt.Fprintf(stderr, "%s: login failed after %s: %s\n", res.Tenant, latency(res.RoundTrip), oneLine(res.Error))
		return exitError(1)
	}
	fmt.Fprintf(stdout, "%s: ok, Odoo %s over %s, uid %d, round trip %s\n",
		res.Tenant, orDash(res.OdooVersion), orDash(res.Protocol), res.UID, latency(res.RoundTrip))
	return nil
}

func cmdToken(args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "new" {
		return usageError{"usage: odoo-mcpctl token new"}
	}
	tok, hash, err := newToken(rand.Reader)
	if err != nil {
		return fmt.Errorf("token new: %w", err)
	}
	fmt.Fprintf(stdout, "token: %s\n", tok)
	fmt.Fprintf(stdout, "hash:  %s\n", hash)
	fmt.Fprintf(stdout, "\nGive the token to the MCP client (Authorization: Bearer TOKEN or X-API-Key: TOKEN)\n")
	fmt.Fprintf(stdout, "and add the hash to the tenant's client_tokens, then run odoo-mcpctl reload:\n")
	fmt.Fprintf(stdout, "  client_tokens = [%q]\n", hash)
	return nil
}

// tokenPrefix makes a leaked token recognizable in a scan of a repository
// or a log.
const tokenPrefix = "omcp_"

// newToken returns a random token of 256 bits and its "sha256:<hex>" hash,
// the form client_tokens holds.
func newToken(r io.Reader) (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", "", err
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	return token, "sha256:" + hex.EncodeToString(sum[:]), nil
}

func cmdVersion(ctx context.Context, c *ctlclient.Client, args []string, stdout io.Writer) error {
	if _, err := subFlags("version", args, 0, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "odoo-mcpctl %s\n", clientVersion())
	st, err := c.Status(ctx)
	if err != nil {
		fmt.Fprintf(stdout, "odoo-mcpd   unknown (%v)\n", err)
		return nil
	}
	fmt.Fprintf(stdout, "odoo-mcpd   %s\n", st.Version)
	return nil
}

func clientVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// cmdStdio bridges stdin and stdout to a tenant's MCP server. stdout
// carries protocol bytes only; everything else goes to stderr.
func cmdStdio(ctx context.Context, c *ctlclient.Client, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var name string
	if _, err := subFlags("stdio", args, 0, func(fs *flag.FlagSet) { fs.StringVar(&name, "tenant", "", "") }); err != nil {
		return err
	}
	if name == "" {
		return usageError{"stdio: --tenant NAME is required"}
	}
	pipe, err := c.Stdio(ctx, name)
	if err != nil {
		return err
	}
	defer pipe.Close()

	// Input: when stdin ends, half-close so the daemon finishes the
	// session and closes its side, which ends the output copy below.
	// inEnded is closed before the half-close: the daemon's answering
	// close comes after it, so the output copy cannot end first and be
	// mistaken for the daemon going away. A failed write to the pipe is
	// the daemon going away, not the end of input.
	inEnded := make(chan struct{})
	go func() {
		if _, err := io.Copy(pipe, stdin); err == nil {
			close(inEnded)
		}
		pipe.CloseWrite()
	}()
	outDone := make(chan error, 1)
	go func() {
		_, err := io.Copy(stdout, pipe)
		outDone <- err
	}()
	var once sync.Once
	closePipe := func() { once.Do(func() { pipe.Close() }) }
	select {
	case err := <-outDone:
		// The daemon closed the pipe: either after our input ended, or
		// because it went away (stopped, tenant removed).
		select {
		case <-inEnded:
			return nil
		default:
		}
		if err != nil {
			fmt.Fprintf(stderr, "odoo-mcpctl: stdio pipe to tenant %q ended: %v\n", name, err)
		} else {
			fmt.Fprintf(stderr, "odoo-mcpctl: odoo-mcpd closed the stdio pipe to tenant %q\n", name)
		}
		return nil
	case <-ctx.Done():
		closePipe()
		<-outDone
		return nil
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func latency(d ctlapi.Duration) string {
	v := time.Duration(d)
	switch {
	case v == 0:
		return "-"
	case v < time.Millisecond:
		return roundDuration(v, time.Microsecond)
	case v < time.Second:
		return roundDuration(v, 100*time.Microsecond)
	}
	return roundDuration(v, time.Millisecond)
}

func roundDuration(d, to time.Duration) string { return d.Round(to).String() }
