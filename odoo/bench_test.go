package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strconv"
	"testing"

	"github.com/kolo/xmlrpc"
)

// BenchmarkDecodeSearchRead decodes the recorded 3-row search_read reply.
func BenchmarkDecodeSearchRead(b *testing.B) {
	body := recording(b, "x10_search_read_partner.resp.xml")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeResponse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTripSearchRead is a full SearchRead over loopback HTTP to a
// server that replays the recorded reply: encoding, HTTP, decoding and row
// conversion, with the server doing no work of its own.
func BenchmarkRoundTripSearchRead(b *testing.B) {
	body := recording(b, "x10_search_read_partner.resp.xml")
	auth := recording(b, "x02_common_authenticate_ok.resp.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		if r.URL.Path == "/xmlrpc/2/common" {
			w.Write(auth)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	benchCompanies(b, newTestClient(b, Config{URL: srv.URL}), 3)
}

// benchCompanies times the search_read the client benchmarks share: the
// usual list columns of companies, limit rows, which the canned reply must
// hold.
func benchCompanies(b *testing.B, c *Client, limit int) {
	ctx := context.Background()
	dom := []any{[]any{"is_company", "=", true}}
	o := &SearchOptions{Fields: []string{"name", "email", "country_id", "category_id", "write_date"}, Limit: limit, Order: "id asc"}
	b.ReportAllocs()
	for b.Loop() {
		rows, err := c.SearchRead(ctx, "res.partner", dom, o)
		if err != nil || len(rows) != limit {
			b.Fatal(len(rows), err)
		}
	}
}

// BenchmarkEncodeSearchRead encodes a typical search_read call.
func BenchmarkEncodeSearchRead(b *testing.B) {
	dom := []any{[]any{"is_company", "=", true}}
	kw := map[string]any{"fields": []string{"name", "email", "country_id"}, "limit": 10, "order": "id asc"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeCall("execute_kw", "odoo_test", int64(2), "admin", "res.partner", "search_read", []any{dom}, kw); err != nil {
			b.Fatal(err)
		}
	}
}

// partnerRows builds n search_read rows shaped like the recorded x10 reply
// plus the false and float fields real rows carry.
func partnerRows(n int) []any {
	rows := make([]any, n)
	for i := range rows {
		rows[i] = map[string]any{
			"id": int64(i + 1), "name": fmt.Sprintf("Partner %d & Co", i+1), "email": fmt.Sprintf("p%d@example.com", i+1),
			"country_id": []any{int64(233), "United States"}, "category_id": []any{int64(7), int64(6)},
			"write_date": "2026-11-24 16:59:38", "parent_id": false, "comment": false, "phone": "",
			"credit_limit": 1250.5, "is_company": true,
		}
	}
	return rows
}

// odooXML renders v the way Odoo 18's marshaller does: one element per
// line, empty strings as <string></string>.
func odooXML(v any) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n")
	var walk func(v any)
	walk = func(v any) {
		b.WriteString("<value>")
		switch x := v.(type) {
		case string:
			b.WriteString("<string>")
			xml.EscapeText(&b, []byte(x))
			b.WriteString("</string>")
		case int64:
			fmt.Fprintf(&b, "<int>%d</int>", x)
		case float64:
			fmt.Fprintf(&b, "<double>%s</double>", strconv.FormatFloat(x, 'f', -1, 64))
		case bool:
			if x {
				b.WriteString("<boolean>1</boolean>")
			} else {
				b.WriteString("<boolean>0</boolean>")
			}
		case []any:
			b.WriteString("<array><data>\n")
			for _, e := range x {
				walk(e)
			}
			b.WriteString("</data></array>")
		case map[string]any:
			b.WriteString("<struct>\n")
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, "<member>\n<name>%s</name>\n", k)
				walk(x[k])
				b.WriteString("\n</member>\n")
			}
			b.WriteString("</struct>")
		}
		b.WriteString("</value>\n")
	}
	walk(v)
	b.WriteString("</param>\n</params>\n\n</methodResponse>\n")
	return b.Bytes()
}

// BenchmarkDecode100Rows compares the two protocols' reply decoding for the
// same 100 search_read rows.
func BenchmarkDecode100Rows(b *testing.B) {
	rows := partnerRows(100)
	xmlBody := odooXML(rows)
	jsonBody, err := json.Marshal(rows)
	if err != nil {
		b.Fatal(err)
	}
	xv, err := decodeResponse(xmlBody)
	if err != nil {
		b.Fatal(err)
	}
	jv, err := decodeJSON2(200, "application/json", "/json/2/res.partner/search_read", jsonBody)
	if err != nil || !reflect.DeepEqual(xv, jv) || !reflect.DeepEqual(xv, rows) {
		b.Fatalf("the two protocols decode differently: %v", err)
	}
	b.Run("xmlrpc", func(b *testing.B) {
		b.SetBytes(int64(len(xmlBody)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeResponse(xmlBody); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("xmlrpc-kolo", func(b *testing.B) {
		// The reference decoder alone, to show what the fast path saves.
		b.SetBytes(int64(len(xmlBody)))
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := xmlrpc.Response(xmlBody).Unmarshal(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json2", func(b *testing.B) {
		b.SetBytes(int64(len(jsonBody)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeJSON2(200, "application/json", "/json/2/res.partner/search_read", jsonBody); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cannedTransport answers every request in-process with a fixed body, so a
// benchmark measures the client alone: encoding, request building, reply
// reading, decoding and row conversion, with no server and no sockets.
type cannedTransport struct {
	auth, body []byte
	ctype      string
}

func (t *cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	io.Copy(io.Discard, r.Body)
	r.Body.Close()
	body, ctype := t.body, t.ctype
	if r.URL.Path == "/xmlrpc/2/common" {
		body, ctype = t.auth, "text/xml; charset=utf-8"
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {ctype}}, ContentLength: int64(len(body)),
		Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

// BenchmarkClientOverhead10Rows is the client's own cost for a 10-row
// search_read (target: under 100 µs), per protocol.
func BenchmarkClientOverhead10Rows(b *testing.B) {
	rows := partnerRows(10)
	jsonRows, _ := json.Marshal(rows)
	auth := recording(b, "x02_common_authenticate_ok.resp.xml")
	for _, p := range []struct {
		protocol, ctype string
		body            []byte
	}{
		{ProtocolXMLRPC, "text/xml; charset=utf-8", odooXML(rows)},
		{ProtocolJSON2, "application/json; charset=utf-8", jsonRows},
	} {
		b.Run(p.protocol, func(b *testing.B) {
			hc := &http.Client{Transport: &cannedTransport{auth: auth, body: p.body, ctype: p.ctype}}
			c := newTestClient(b, Config{URL: "http://odoo.invalid", Protocol: p.protocol, APIKey: NewSecret(testAPIKey), HTTPClient: hc})
			benchCompanies(b, c, 10)
		})
	}
}
