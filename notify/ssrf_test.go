package notify

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheckURL(t *testing.T) {
	g, err := NewGuard(nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ url, code string }{
		{"https://shop.example/hooks/waypost", ""},
		{"http://shop.example:8080/h", ""},
		{"HTTPS://shop.example/h", ""},
		{"ftp://shop.example/h", "webhook_url_scheme"},
		{"javascript:alert(1)", "webhook_url_scheme"},
		{"shop.example/hooks", "webhook_url_scheme"},
		{"file:///etc/passwd", "webhook_url_scheme"},
		{"https://", "webhook_url_invalid"},
		{"https://user:pw@shop.example/", "webhook_url_invalid"},
		{"http://%zz", "webhook_url_invalid"},
		{"https://" + strings.Repeat("a", 2050), "webhook_url_invalid"},
		{"http://127.0.0.1/", "webhook_address_blocked"},
		{"http://localhost:8080/", "webhook_address_blocked"},
		{"http://[::1]/", "webhook_address_blocked"},
		{"http://10.1.2.3/", "webhook_address_blocked"},
		{"http://192.168.0.10/", "webhook_address_blocked"},
		{"http://172.16.5.5/", "webhook_address_blocked"},
		{"http://169.254.169.254/latest/meta-data/", "webhook_address_blocked"},
		{"http://[fe80::1]/", "webhook_address_blocked"},
		{"http://[fd00::1]/", "webhook_address_blocked"},
		{"http://224.0.0.1/", "webhook_address_blocked"},
		{"http://0.0.0.0/", "webhook_address_blocked"},
		{"http://100.64.0.1/", "webhook_address_blocked"},
		{"http://[::ffff:127.0.0.1]/", "webhook_address_blocked"},
		{"http://8.8.8.8/", ""},
	}
	for _, c := range cases {
		err := g.CheckURL(c.url)
		if got := ErrorCode(err); (c.code == "" && err != nil) || (c.code != "" && got != c.code) {
			t.Errorf("%.60s: %v (code %q), want %q", c.url, err, got, c.code)
		}
	}
	allow, err := NewGuard([]string{"127.0.0.1/32", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://127.0.0.1:9/", "http://10.9.9.9/"} {
		if err := allow.CheckURL(u); err != nil {
			t.Errorf("allowed %s: %v", u, err)
		}
	}
	if err := allow.CheckAddr(netip.MustParseAddr("127.0.0.2")); err == nil {
		t.Error("127.0.0.2 is outside the allowed 127.0.0.1/32")
	}
	if _, err := NewGuard([]string{"not-a-cidr"}); err == nil {
		t.Error("bad allow-list accepted")
	}
}

// TestGuardDial checks at connect time: the URL passes no check here (the
// client is used directly), so only the dialer stands between the request
// and a loopback server, as it does when a public name later resolves to
// a private address.
func TestGuardDial(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	closed, _ := NewGuard(nil)
	_, err := closed.Client(time.Second, 4).Get(srv.URL)
	if ErrorCode(err) != "webhook_address_blocked" {
		t.Fatalf("dial to loopback: %v", err)
	}
	if hits.Load() != 0 {
		t.Fatal("the blocked request reached the server")
	}
	open, _ := NewGuard([]string{"127.0.0.1/32"})
	resp, err := open.Client(time.Second, 4).Get(srv.URL)
	if err != nil {
		t.Fatalf("allowed dial: %v", err)
	}
	resp.Body.Close()
	if hits.Load() != 1 {
		t.Fatalf("server hits %d", hits.Load())
	}
}

func TestGuardRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://shop.example/", http.StatusFound)
	})
	mux.HandleFunc("/meta", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/other-loopback", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace("http://"+r.Host+"/chain/0", "127.0.0.1", "127.0.0.2", 1), http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	g, _ := NewGuard([]string{"127.0.0.1/32"})
	c := g.Client(2*time.Second, 4)
	cases := []struct{ path, code string }{
		{"/chain/3", ""}, // three redirects are allowed
		{"/chain/4", "webhook_too_many_redirects"},
		{"/loop", "webhook_redirect_loop"},
		{"/ftp", "webhook_url_scheme"},
		{"/meta", "webhook_address_blocked"},
		{"/other-loopback", "webhook_address_blocked"},
	}
	for _, tc := range cases {
		resp, err := c.Post(srv.URL+tc.path, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
		}
		if got := ErrorCode(err); (tc.code == "" && err != nil) || (tc.code != "" && got != tc.code) {
			t.Errorf("%s: %v (code %q), want %q", tc.path, err, got, tc.code)
		}
	}
}
