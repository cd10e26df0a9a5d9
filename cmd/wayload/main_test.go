package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoadCountsAndRate(t *testing.T) {
	var hits, withHeader atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("X-Test") == "yes" {
			withHeader.Add(1)
		}
		if strings.HasSuffix(r.URL.Path, "/7") {
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	var out bytes.Buffer
	err := run([]string{"-url", srv.URL + "/t/{id}", "-ids", "1-10", "-rate", "200", "-duration", "1s", "-H", "X-Test: yes", "-json"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Requests != 200 || int(hits.Load()) != 200 || withHeader.Load() != 200 {
		t.Fatalf("requests %d, server saw %d (%d with the header), want 200", r.Requests, hits.Load(), withHeader.Load())
	}
	// Ids are drawn from 1-10, so about a tenth hit the 404 path.
	if n := r.Errors["404"]; n == 0 || n > 60 || r.OK+n != 200 {
		t.Fatalf("errors %v, ok %d", r.Errors, r.OK)
	}
	if r.AchievedRate < 150 || r.P99 <= 0 || r.Max < r.P99 || r.P50 > r.P99 {
		t.Fatalf("report %+v", r)
	}
}

func TestSummarisePercentiles(t *testing.T) {
	var s []sample
	for i := 1; i <= 100; i++ {
		s = append(s, sample{lat: time.Duration(i) * time.Millisecond})
	}
	r := summarise(s, 100, time.Second)
	if r.P50 != 50 || r.P99 != 99 || r.Max != 100 {
		t.Fatalf("p50 %v p99 %v max %v, want 50, 99, 100 ms", r.P50, r.P99, r.Max)
	}
}

func TestFillID(t *testing.T) {
	for _, c := range []struct {
		u    string
		id   int64
		want string
	}{
		{"/t/{id}", 42, "/t/42"},
		{"/track?n=LN{id:09}CN", 42, "/track?n=LN000000042CN"},
		{"/track?n=LN{id:09}CN", 1234567890, "/track?n=LN1234567890CN"},
		{"/t/{idx}", 42, "/t/{idx}"},
		{"/t/none", 42, "/t/none"},
	} {
		if got := fillID(c.u, c.id); got != c.want {
			t.Errorf("fillID(%q, %d) = %q, want %q", c.u, c.id, got, c.want)
		}
	}
}
