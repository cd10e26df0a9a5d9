package track

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/store"
)

func get(t *testing.T, c *http.Client, u string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, html.UnescapeString(string(b))
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// personal lists what must never appear without verification.
// The city is city-level information and may show.
var personal = []string{custName, "ADA LOVELACE", "Lovelace", custLine, custZip, custMail}

func TestNumberLookupShowsNoPersonalData(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	resp, body := get(t, c, f.srv.URL+"/track/nordic-knits?n="+numLeg2, "Accept-Language", "en-GB,en;q=0.9")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{"Delivered", "Cleared customs", "Handed over from China Post to DHL", "Thank you for shopping with us.", "--brand:#1a5c3b", "Germany", `aria-valuenow="100"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, p := range personal {
		if strings.Contains(body, p) {
			t.Errorf("number-only page shows personal data %q", p)
		}
	}
	if !strings.Contains(body, "Signed for by •••") {
		t.Error("the carrier's signature text was not kept in redacted form")
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=60" {
		t.Errorf("Cache-Control = %q", cc)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on a number-only view")
	}
	// Revalidation answers 304 without a body.
	resp, body = get(t, c, f.srv.URL+"/track/nordic-knits?n="+numLeg2, "Accept-Language", "en-GB,en;q=0.9", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("revalidation = %d with %d bytes, want 304 empty", resp.StatusCode, len(body))
	}
	// The first leg's number finds the same shipment; spaces and lower
	// case are accepted.
	_, body = get(t, c, f.srv.URL+"/track/nordic-knits?n="+url.QueryEscape(" ly 405 525 757 cn "))
	if !strings.Contains(body, "Handed over from China Post to DHL") {
		t.Error("lookup by the first leg's number did not find the shipment")
	}
}

func TestOtherTenantCannotSeeShipment(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	resp, body := get(t, c, f.srv.URL+"/track/other-shop?n="+numLeg2)
	if resp.StatusCode != 404 || strings.Contains(body, "Delivered") {
		t.Errorf("other shop's page: %d, shows the shipment: %v", resp.StatusCode, strings.Contains(body, "Delivered"))
	}
	resp, _ = postForm(t, c, f.srv.URL+"/track/lookup", url.Values{"shop": {"other-shop"}, "order": {"NK-1001"}, "contact": {custMail}})
	if resp.StatusCode != 404 || len(resp.Cookies()) != 0 {
		t.Errorf("order lookup in another shop: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	resp, _ = get(t, c, f.srv.URL+"/track/no-such-shop")
	if resp.StatusCode != 404 {
		t.Errorf("unknown shop: %d", resp.StatusCode)
	}
}

func TestOrderLookupNeedsVerification(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	// Wrong e-mail and unknown order get the same answer, and no cookie.
	r1, b1 := postForm(t, c, f.srv.URL+"/track/lookup", url.Values{"shop": {"nordic-knits"}, "order": {"NK-1001"}, "contact": {"eve@example.com"}})
	r2, b2 := postForm(t, c, f.srv.URL+"/track/lookup", url.Values{"shop": {"nordic-knits"}, "order": {"NK-9999"}, "contact": {custMail}})
	if r1.StatusCode != 404 || r2.StatusCode != 404 {
		t.Errorf("failed verifications: %d, %d; want 404", r1.StatusCode, r2.StatusCode)
	}
	msg := "No order matches these details"
	if !strings.Contains(b1, msg) || !strings.Contains(b2, msg) {
		t.Error("wrong contact and unknown order are not answered alike")
	}
	// The order page without the cookie asks to verify and shows nothing.
	_, body := get(t, c, f.srv.URL+"/track/nordic-knits?order=NK-1001")
	for _, p := range personal {
		if strings.Contains(body, p) {
			t.Errorf("unverified order page shows %q", p)
		}
	}
	if strings.Contains(body, `id="status"`) {
		t.Error("unverified order page shows the shipment")
	}
	// Postal code, typed with a space, verifies.
	resp, _ := postForm(t, c, f.srv.URL+"/track/lookup", url.Values{"shop": {"nordic-knits"}, "order": {"NK-1001"}, "contact": {"803 31"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verified lookup: %d, want 303", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if !strings.Contains(loc, "order=NK-1001") {
		t.Fatalf("redirect to %q", loc)
	}
	var ck *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == verifyCookie {
			ck = k
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("verification cookie = %+v", ck)
	}
	resp, body = get(t, c, f.srv.URL+loc)
	if resp.StatusCode != 200 {
		t.Fatalf("verified page: %d", resp.StatusCode)
	}
	for _, want := range []string{custName, custLine, "München", "NK-1001", `id="report"`} {
		if !strings.Contains(body, want) {
			t.Errorf("verified page lacks %q", want)
		}
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "private, no-store" || resp.Header.Get("ETag") != "" {
		t.Errorf("verified page Cache-Control = %q, ETag %q", cc, resp.Header.Get("ETag"))
	}
	// The same cookie does not open another shipment.
	_, body = get(t, c, f.srv.URL+"/track/nordic-knits?order=NK-1002")
	if strings.Contains(body, "Blaise") {
		t.Error("verification of one order opened another")
	}
	// A tampered cookie is worthless.
	u, _ := url.Parse(f.srv.URL + "/track")
	bad := *ck
	bad.Value = strings.Replace(ck.Value, "v.", "v.1", 1)
	c.Jar.SetCookies(u, []*http.Cookie{&bad})
	_, body = get(t, c, f.srv.URL+"/track/nordic-knits?order=NK-1001")
	if strings.Contains(body, custName) {
		t.Error("a tampered cookie showed personal data")
	}
}

func TestLookupsAreRateLimited(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.LookupRate, c.LookupBurst = 0.01, 3 })
	c := f.client(t)
	for i := range 3 {
		resp, _ := get(t, c, f.srv.URL+"/track/nordic-knits?n=NOPE"+string(rune('A'+i)))
		if resp.StatusCode != 404 {
			t.Fatalf("lookup %d: %d, want 404", i, resp.StatusCode)
		}
	}
	resp, body := get(t, c, f.srv.URL+"/track/nordic-knits?n="+numLeg2)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th lookup: %d, want 429", resp.StatusCode)
	}
	ra := resp.Header.Get("Retry-After")
	if ra == "" || ra == "0" || strings.Contains(body, "Delivered") {
		t.Errorf("429 with Retry-After %q; shows the shipment: %v", ra, strings.Contains(body, "Delivered"))
	}
	// Order lookups draw on the same bucket.
	resp, _ = postForm(t, c, f.srv.URL+"/track/lookup", url.Values{"shop": {"nordic-knits"}, "order": {"NK-1001"}, "contact": {custMail}})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("order lookup after the limit: %d", resp.StatusCode)
	}
	// The form itself is not a lookup and stays available.
	if resp, _ := get(t, c, f.srv.URL+"/track/nordic-knits"); resp.StatusCode != 200 {
		t.Errorf("form page: %d", resp.StatusCode)
	}
	// Failed lookups are counted for the shop.
	if err := f.h.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	days, err := f.st.PageCounts(context.Background(), f.tenant.ID, time.Now().Add(-24*time.Hour), time.Now().Add(24*time.Hour))
	if err != nil || len(days) != 1 {
		t.Fatalf("page counts = %v, %v", days, err)
	}
	if days[0].FailedLookups != 5 || days[0].Views != 0 {
		t.Errorf("counts = %+v, want 5 failed lookups (3 unknown, 2 limited) and no views", days[0].PageCounts)
	}
}

func TestClientKey(t *testing.T) {
	r, _ := http.NewRequest("GET", "/", nil)
	r.RemoteAddr = "[2001:db8:1:2:3:4:5:6]:443"
	r.Header.Set("X-Forwarded-For", "198.51.100.7, 10.0.0.1")
	if got := clientKey(r, false); got != "2001:db8:1:2::/64" {
		t.Errorf("IPv6 key = %q", got)
	}
	if got := clientKey(r, true); got != "198.51.100.7" {
		t.Errorf("proxied key = %q", got)
	}
}

func TestPageViewsCounted(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	for range 3 {
		get(t, c, f.srv.URL+"/track/nordic-knits?n="+numLeg1)
	}
	get(t, c, f.srv.URL+"/track/nordic-knits") // the form alone is not a view
	if err := f.h.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	days, err := f.st.PageCounts(context.Background(), f.tenant.ID, time.Now().Add(-24*time.Hour), time.Now().Add(24*time.Hour))
	if err != nil || len(days) != 1 || days[0].Views != 3 || days[0].Lookups != 3 {
		t.Errorf("page counts = %+v, %v; want 3 views and 3 lookups", days, err)
	}
	other, _ := f.st.PageCounts(context.Background(), f.other.ID, time.Now().Add(-24*time.Hour), time.Now().Add(24*time.Hour))
	if len(other) != 0 {
		t.Errorf("other shop counted %v", other)
	}
}

func TestCustomsDutiesAndLanguage(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	resp, body := get(t, c, f.srv.URL+"/track/nordic-knits?n="+numHeld, "Accept-Language", "fr-CA,fr;q=0.9")
	if resp.Header.Get("Content-Language") != "fr" || !strings.Contains(body, `<html lang="fr">`) {
		t.Fatalf("language = %q", resp.Header.Get("Content-Language"))
	}
	for _, want := range []string{"Des droits ou taxes d'importation sont dus", "La Poste", "Payez uniquement sur le site du transporteur"} {
		if !strings.Contains(body, want) {
			t.Errorf("French duties page lacks %q", want)
		}
	}
	// ?lang= wins and is remembered in a cookie.
	resp, body = get(t, c, f.srv.URL+"/track/nordic-knits?n="+numHeld+"&lang=ja", "Accept-Language", "fr")
	if !strings.Contains(body, `<html lang="ja">`) || !strings.Contains(body, "関税") || resp.Header.Get("Content-Language") != "ja" {
		t.Error("?lang=ja did not switch to Japanese")
	}
	_, body = get(t, c, f.srv.URL+"/track/nordic-knits?n="+numHeld, "Accept-Language", "fr")
	if !strings.Contains(body, `<html lang="ja">`) {
		t.Error("the chosen language was not remembered")
	}
}

func TestCatalogComplete(t *testing.T) {
	if p := catalog.Check(); len(p) > 0 {
		t.Errorf("catalog problems:\n%s", strings.Join(p, "\n"))
	}
}

// verifiedClient returns a client holding the verification cookie for
// NK-1001 and the verified page's body.
func verifiedClient(t *testing.T, f *fixture) (*http.Client, string) {
	c := f.client(t)
	resp, _ := postForm(t, c, f.srv.URL+"/track/lookup", url.Values{"shop": {"nordic-knits"}, "order": {"NK-1001"}, "contact": {"ADA@example.com"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", resp.StatusCode)
	}
	_, body := get(t, c, f.srv.URL+resp.Header.Get("Location"))
	return c, body
}

func formValue(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no %s field in page", name)
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// pngBytes is an 8-byte PNG signature followed by an IHDR chunk start:
// enough for http.DetectContentType (WHATWG MIME sniffing) to say
// image/png.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)

func postReport(t *testing.T, c *http.Client, u string, fields map[string]string, photos map[string][]byte) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range photos {
		w, _ := mw.CreateFormFile("photos", name)
		w.Write(data)
	}
	mw.Close()
	resp, err := c.Post(u, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestReportDamagedWithPhoto(t *testing.T) {
	f := newFixture(t, nil)
	c, body := verifiedClient(t, f)
	tok, key := formValue(t, body, "t"), formValue(t, body, "key")
	fields := map[string]string{"t": tok, "key": key, "kind": "damaged", "message": "Box crushed"}
	for range 2 { // a double submit stores one report
		resp := postReport(t, c, f.srv.URL+"/track/report", fields, map[string][]byte{"box.png": pngBytes})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("report: %d (%s)", resp.StatusCode, resp.Header.Get("X-Waypost-Error"))
		}
	}
	list, err := f.st.ListBuyerReports(context.Background(), f.tenant.ID, f.ship.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("reports = %+v, %v", list, err)
	}
	r := list[0]
	if r.Kind != store.ReportDamaged || r.Message != "Box crushed" || len(r.Photos) != 1 || r.Photos[0].ContentType != "image/png" || r.CaseID != 901 {
		t.Errorf("stored report = %+v", r)
	}
	if len(f.reporter.kinds) != 1 {
		t.Errorf("cases opened: %v, want one", f.reporter.kinds)
	}
	// Bad photos are refused with stable codes.
	for name, tc := range map[string]struct {
		photos map[string][]byte
		status int
		code   string
	}{
		"svg":       {map[string][]byte{"x.png": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, 415, "bad_photo"},
		"too many":  {map[string][]byte{"1.png": pngBytes, "2.png": pngBytes, "3.png": pngBytes, "4.png": pngBytes, "5.png": pngBytes}, 422, "too_many_photos"},
		"too large": {map[string][]byte{"big.png": append(append([]byte{}, pngBytes...), make([]byte, store.MaxReportPhotoBytes)...)}, 413, "too_large"},
	} {
		fields := map[string]string{"t": tok, "key": "k-" + name, "kind": "damaged"}
		resp := postReport(t, c, f.srv.URL+"/track/report", fields, tc.photos)
		if resp.StatusCode != tc.status || resp.Header.Get("X-Waypost-Error") != tc.code {
			t.Errorf("%s: %d %q, want %d %q", name, resp.StatusCode, resp.Header.Get("X-Waypost-Error"), tc.status, tc.code)
		}
	}
}

func TestReportNeedsVerifiedToken(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	_, body := get(t, c, f.srv.URL+"/track/nordic-knits?n="+numLeg2)
	if strings.Contains(body, `id="report"`) {
		t.Error("report form offered without verification")
	}
	tok := formValue(t, body, "t") // the subscribe form's token
	resp := postReport(t, c, f.srv.URL+"/track/report", map[string]string{"t": tok, "kind": "not_received"}, nil)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Waypost-Error") != "bad_token" {
		t.Errorf("report with an unverified token: %d %q", resp.StatusCode, resp.Header.Get("X-Waypost-Error"))
	}
	if l, _ := f.st.ListBuyerReports(context.Background(), f.tenant.ID, f.ship.ID); len(l) != 0 {
		t.Errorf("report stored: %+v", l)
	}
}

func TestSubscribe(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	_, body := get(t, c, f.srv.URL+"/track/nordic-knits?n="+numLeg2+"&lang=es")
	tok := formValue(t, body, "t")
	resp, _ := postForm(t, c, f.srv.URL+"/track/subscribe", url.Values{"t": {tok}, "n": {numLeg2}, "email": {"buyer@example.org"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=subscribed") {
		t.Fatalf("subscribe: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := f.subs.emails(); len(got) != 1 || got[0] != "buyer@example.org es" {
		t.Errorf("subscriber got %v", got)
	}
	resp, _ = postForm(t, c, f.srv.URL+"/track/subscribe", url.Values{"t": {tok}, "email": {"not-an-address"}})
	if resp.StatusCode != 422 || resp.Header.Get("X-Waypost-Error") != "bad_email" {
		t.Errorf("bad e-mail: %d %q", resp.StatusCode, resp.Header.Get("X-Waypost-Error"))
	}
	resp, _ = postForm(t, c, f.srv.URL+"/track/subscribe", url.Values{"t": {"f.1.1.9999999999.AAAA"}, "email": {"x@example.org"}})
	if resp.StatusCode != 403 {
		t.Errorf("forged token: %d", resp.StatusCode)
	}
}

func TestEmbedAndWidget(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	resp, body := get(t, c, f.srv.URL+"/track/embed?shop=nordic-knits&n="+numLeg2)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors *") || resp.Header.Get("X-Frame-Options") != "" {
		t.Errorf("embed: %d, CSP %q, XFO %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Frame-Options"))
	}
	if !strings.Contains(body, "Handed over from China Post to DHL") || !strings.Contains(body, "embed.") {
		t.Error("embed page lacks the timeline or its script")
	}
	resp, _ = get(t, c, f.srv.URL+"/track/nordic-knits")
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("the full page may be framed")
	}
	resp, body = get(t, c, f.srv.URL+"/track/widget.js")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "/track/embed?") {
		t.Errorf("widget.js: %q", resp.Header.Get("Content-Type"))
	}
}

func TestStaticAssetsImmutable(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	_, body := get(t, c, f.srv.URL+"/track")
	i := strings.Index(body, StaticPrefix+"track.")
	if i < 0 {
		t.Fatal("page does not link track.css")
	}
	u := body[i : i+strings.IndexByte(body[i:], '"')]
	resp, css := get(t, c, f.srv.URL+u)
	if resp.StatusCode != 200 || !strings.Contains(css, ".timeline") || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s: %d, Cache-Control %q", u, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

func TestCrossTenantTrackWithoutDefault(t *testing.T) {
	f := newFixture(t, nil)
	c := f.client(t)
	// No default shop: /track finds the number in any shop and takes its
	// branding, but order numbers need the shop's page.
	_, body := get(t, c, f.srv.URL+"/track?n="+numLeg2)
	if !strings.Contains(body, "Nordic Knits") || !strings.Contains(body, "Delivered") {
		t.Error("cross-shop number lookup failed")
	}
	resp, _ := postForm(t, c, f.srv.URL+"/track/lookup", url.Values{"order": {"NK-1001"}, "contact": {custMail}})
	if resp.StatusCode != 422 {
		t.Errorf("order lookup without a shop: %d, want 422", resp.StatusCode)
	}
}
