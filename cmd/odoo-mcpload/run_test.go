package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary act as the serving child: the modes that
// measure the daemon in another process start os.Executable() with
// "serve", which in a test is this binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
			os.Stderr.WriteString("odoo-mcpload: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runOut(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	err := run(ctx, args, strings.NewReader(""), &out, &errOut)
	if err != nil {
		t.Logf("stderr:\n%s", errOut.String())
	}
	return out.String(), err
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "no mode"},
		{[]string{"nope"}, "unknown mode"},
		{[]string{"throughput", "-d", "0"}, "set -d or -n"},
		{[]string{"overhead", "-url", "http://127.0.0.1:1/x/mcp"}, "drop -url"},
		{[]string{"scale", "-tenants", "1"}, "at least 2 tenants"},
		{[]string{"serve"}, "-config"},
		{[]string{"throughput", "-bogus"}, "bogus"},
	} {
		_, err := runOut(t, c.args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) = %v, want a usage error mentioning %q", c.args, err, c.want)
		}
	}
}

func TestOverhead(t *testing.T) {
	out, err := runOut(t, "overhead", "-n", "40", "-d", "0", "-warmup", "1", "-rounds", "2")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"direct-odoo ", "streamable-http ", "http-raw-client ", "sse ", "calls=40 errors=0", "streamable-http added p50", "ratio p50"} {
		if !strings.Contains(out, want) {
			t.Errorf("overhead output lacks %q:\n%s", want, out)
		}
	}
}

func TestThroughputInChild(t *testing.T) {
	out, err := runOut(t, "throughput", "-c", "2", "-n", "40", "-d", "0", "-warmup", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"calls=40 errors=0", "daemon CPU per call", "daemon capacity, 2 cores"} {
		if !strings.Contains(out, want) {
			t.Errorf("throughput output lacks %q:\n%s", want, out)
		}
	}
}

func TestScale(t *testing.T) {
	out, err := runOut(t, "scale", "-tenants", "3", "-c", "2", "-d", "300ms", "-warmup", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"start to READY", "idle RSS (daemon process)", "changed=[t0001]", "unchanged=2", "errors=0"} {
		if !strings.Contains(out, want) {
			t.Errorf("scale output lacks %q:\n%s", want, out)
		}
	}
}

func TestSSESessions(t *testing.T) {
	out, err := runOut(t, "sse", "-sessions", "5")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SSE sessions open", " 5\n", "added RSS"} {
		if !strings.Contains(out, want) {
			t.Errorf("sse output lacks %q:\n%s", want, out)
		}
	}
}
