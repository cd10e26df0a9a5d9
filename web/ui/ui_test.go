package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{
		"de-CH,de;q=0.9,en;q=0.8": "de",
		"pt-BR":                   "pt",
		"zh-TW":                   "zh",
		"zh-Hans-CN":              "zh",
		"ja-JP,en;q=0.5":          "ja",
		"ko":                      "en", // not offered: English
		"":                        "en",
		"!!garbage":               "en",
		"fr-CA;q=0.2, es;q=0.9":   "es",
	} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNegotiateOrder(t *testing.T) {
	r := httptest.NewRequest("GET", "/track?lang=ja", nil)
	r.Header.Set("Accept-Language", "de")
	r.AddCookie(&http.Cookie{Name: LangCookie, Value: "fr"})
	if got := Negotiate(r); got != "ja" {
		t.Errorf("query should win: %q", got)
	}
	r.URL.RawQuery = ""
	if got := Negotiate(r); got != "fr" {
		t.Errorf("cookie should beat Accept-Language: %q", got)
	}
}

func TestAssets(t *testing.T) {
	fsys := fstest.MapFS{"app.css": {Data: []byte("body{}")}, "js/x.js": {Data: []byte("1")}}
	a := NewAssets("/s/", fsys)
	u := a.URL("app.css")
	if !strings.HasPrefix(u, "/s/app.") || !strings.HasSuffix(u, ".css") || u == "/s/app.css" {
		t.Fatalf("URL = %q, want a hashed name", u)
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
	if rec.Code != 200 || rec.Body.String() != "body{}" {
		t.Fatalf("GET %s = %d %q", u, rec.Code, rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("Cache-Control = %q", cc)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type = %q", ct)
	}
	// A changed file gets a different name.
	b := NewAssets("/s/", fstest.MapFS{"app.css": {Data: []byte("body{color:red}")}})
	if b.URL("app.css") == u {
		t.Error("content change kept the same URL")
	}
	// The unhashed or stale name is not served.
	rec = httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", "/s/app.css", nil))
	if rec.Code != 404 {
		t.Errorf("unhashed name: %d, want 404", rec.Code)
	}
	if !strings.Contains(a.URL("js/x.js"), "/s/js/x.") {
		t.Errorf("nested asset URL = %q", a.URL("js/x.js"))
	}
	_ = Shared("/ui/").URL("base.css")
}

func TestCatalogFallbackAndCheck(t *testing.T) {
	c := Catalog{"en": {"hi": "Hello %s", "bye": "Bye"}, "de": {"hi": "Hallo %s"}}
	if got := c.T("de", "hi", "Ada"); got != "Hallo Ada" {
		t.Errorf("T = %q", got)
	}
	if got := c.T("de", "bye"); got != "Bye" {
		t.Errorf("fallback = %q", got)
	}
	p := c.Check()
	if len(p) == 0 || !strings.Contains(strings.Join(p, ";"), `de: missing "bye"`) {
		t.Errorf("Check = %v", p)
	}
}
