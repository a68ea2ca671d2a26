package transports

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadLines: whatever arrives, readLines emits exactly the non-blank
// lines that fit, trimmed, in order, and reports each line that does not.
func FuzzReadLines(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n\n  {\"b\":2}  \r\nlast"), 16)
	f.Add([]byte(strings.Repeat("x", 200)+"\nok\n"), 8)
	f.Add([]byte("\n\n\n"), 1)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		if max < 1 || max > 1<<16 {
			return
		}
		var want []string
		wantLong := 0
		for _, l := range bytes.Split(in, []byte("\n")) {
			// readLines counts the newline against the cap, so a line of
			// max+1 bytes without its newline still fits only at EOF.
			if len(l) > max {
				wantLong++
				continue
			}
			if t := bytes.TrimSpace(l); len(t) > 0 {
				want = append(want, string(t))
			}
		}
		out := make(chan []byte)
		done := make(chan struct{})
		long := 0
		errc := make(chan error, 1)
		go func() {
			errc <- readLines(bytes.NewReader(in), max, out, done, func() { long++ })
			close(out)
		}()
		var got []string
		for l := range out {
			got = append(got, string(l))
		}
		<-errc
		close(done)
		if long != wantLong {
			t.Errorf("too-long lines reported %d, want %d", long, wantLong)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("lines = %q, want %q", got, want)
		}
	})
}

// FuzzClassify: any input is sorted without panicking, and a message
// called a response always carries an id.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"ping"}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":"a","result":{}}`,
		`{"jsonrpc":"2.0","id":null,"error":{"code":1}}`,
		`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`garbage`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		kind, id := classify(in)
		if kind == msgResponse && compactID(id) == "" {
			t.Errorf("classify(%q) = response without id", in)
		}
		answeredID(append([]byte("event: message\ndata: "), in...))
	})
}
