package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier/sandbox"
)

// wire is one raw call to a dialect and what its answer must contain.
type wire struct {
	name   string
	method string
	path   string // under the carrier's BaseURL; "{n}" is a known number, "{u}" an unknown one
	header http.Header
	body   string
	status int
	// contains are fragments the answer body must hold.
	contains []string
}

func (w wire) run(t *testing.T, srv *sandbox.Server, slug, known, unknown string) {
	t.Helper()
	path := strings.NewReplacer("{n}", known, "{u}", unknown).Replace(w.path)
	req, err := http.NewRequest(w.method, srv.BaseURL(slug)+path, strings.NewReader(w.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range w.header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != w.status {
		t.Errorf("%s: status %d, want %d: %.300s", w.name, resp.StatusCode, w.status, raw)
	}
	if !json.Valid(raw) {
		t.Errorf("%s: answer is not JSON: %.300s", w.name, raw)
	}
	for _, c := range w.contains {
		if !strings.Contains(string(raw), c) {
			t.Errorf("%s: answer lacks %q: %.400s", w.name, c, raw)
		}
	}
}

func basic(user, pass string) string {
	r, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

// TestDialectWire checks each postal dialect's authentication, batch
// limits, error and not-found bodies on the wire, as its carrier documents
// them.
func TestDialectWire(t *testing.T) {
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	cases := map[string][]wire{
		"usps": {
			{name: "token from a JSON body", method: "POST", path: "/oauth2/v3/token", header: http.Header{"Content-Type": {"application/json"}},
				body:   `{"client_id":"` + sandbox.ClientID + `","client_secret":"` + sandbox.ClientSecret + `","grant_type":"client_credentials"}`,
				status: 200, contains: []string{`"expires_in":"28799"`, `"token_type":"Bearer"`, `"scope":"tracking"`}},
			{name: "token with a wrong secret", method: "POST", path: "/oauth2/v3/token", header: form,
				body: "grant_type=client_credentials&client_id=" + sandbox.ClientID + "&client_secret=wrong", status: 401,
				contains: []string{`"error":"invalid_client"`}},
			{name: "tracking without a token", method: "GET", path: "/tracking/v3/tracking/{n}?expand=DETAIL", status: 401,
				contains: []string{`"apiVersion":"v3"`, `"code":"401"`}},
		},
		"royal-mail": {
			{name: "without the terms header", method: "GET", path: "/mailpieces/v2/{n}/events",
				header: http.Header{"X-Ibm-Client-Id": {sandbox.ClientID}, "X-Ibm-Client-Secret": {sandbox.ClientSecret}},
				status: 400, contains: []string{`"errorCode":"E0004"`}},
			{name: "summary of a known and an unknown item", method: "GET", path: "/mailpieces/v2/summary?mailPieceId={n},{u}",
				header: http.Header{"X-Ibm-Client-Id": {sandbox.ClientID}, "X-Ibm-Client-Secret": {sandbox.ClientSecret}, "X-Accept-Rmg-Terms": {"yes"}},
				status: 200, contains: []string{`"lastEventCode":"EV`, `"errorCode":"E1142"`}},
			{name: "unknown item", method: "GET", path: "/mailpieces/v2/{u}/events",
				header: http.Header{"X-Ibm-Client-Id": {sandbox.ClientID}, "X-Ibm-Client-Secret": {sandbox.ClientSecret}, "X-Accept-Rmg-Terms": {"yes"}},
				status: 404, contains: []string{`"errorCode":"E1142"`}},
			{name: "wrong client", method: "GET", path: "/mailpieces/v2/{n}/events",
				header: http.Header{"X-Ibm-Client-Id": {"someone"}, "X-Ibm-Client-Secret": {sandbox.ClientSecret}, "X-Accept-Rmg-Terms": {"yes"}},
				status: 401, contains: []string{`"httpCode":"401"`}},
		},
		"la-poste": {
			{name: "eleven numbers", method: "GET", path: "/idships/" + strings.TrimSuffix(strings.Repeat("{n},", 11), ","),
				header: http.Header{"X-Okapi-Key": {sandbox.APIKey}}, status: 400, contains: []string{`"returnCode":400`}},
			{name: "a known and an unknown number", method: "GET", path: "/idships/{n},{u}?lang=en_GB",
				header: http.Header{"X-Okapi-Key": {sandbox.APIKey}}, status: 207,
				contains: []string{`"returnCode":200`, `"returnCode":105`, `"lang":"en_GB"`, `"holder":4`}},
			{name: "French by default", method: "GET", path: "/idships/{n}",
				header: http.Header{"X-Okapi-Key": {sandbox.APIKey}}, status: 200, contains: []string{`"lang":"fr_FR"`, `Votre colis`}},
			{name: "invalid number", method: "GET", path: "/idships/ABC",
				header: http.Header{"X-Okapi-Key": {sandbox.APIKey}}, status: 400, contains: []string{`"idShip":"ABC"`}},
			{name: "wrong key", method: "GET", path: "/idships/{n}", header: http.Header{"X-Okapi-Key": {"wrong"}},
				status: 401, contains: []string{`"code":"UNAUTHORIZED"`}},
		},
		"postnl": {
			{name: "English texts", method: "GET", path: "/shipment/v2/status/barcode/{n}?detail=true&language=EN",
				header: http.Header{"Apikey": {sandbox.APIKey}}, status: 200,
				contains: []string{`"CompleteStatus"`, `"OldStatus"`, `Shipment`, `"PhaseDescription":"`}},
			{name: "unknown barcode", method: "GET", path: "/shipment/v2/status/barcode/{u}?detail=true",
				header: http.Header{"Apikey": {sandbox.APIKey}}, status: 200, contains: []string{`"Code":"2"`, `No shipment found`}},
			{name: "wrong key", method: "GET", path: "/shipment/v2/status/barcode/{n}", header: http.Header{"Apikey": {"wrong"}},
				status: 401, contains: []string{`"faultstring":"Invalid ApiKey"`}},
		},
		"australia-post": {
			{name: "eleven ids", method: "GET", path: "/shipping/v1/track?tracking_ids=" + strings.TrimSuffix(strings.Repeat("{n},", 11), ","),
				header: http.Header{"Authorization": {basic(sandbox.Username, sandbox.Password)}, "Account-Number": {sandbox.Account}},
				status: 400, contains: []string{`at most 10`}},
			{name: "a known, an unknown and an invalid id", method: "GET", path: "/shipping/v1/track?tracking_ids={n},{u},AB1",
				header: http.Header{"Authorization": {basic(sandbox.Username, sandbox.Password)}, "Account-Number": {sandbox.Account}},
				status: 200, contains: []string{`"trackable_items"`, `"ESB-10002"`, `"ESB-10001"`}},
			{name: "without Account-Number", method: "GET", path: "/shipping/v1/track?tracking_ids={n}",
				header: http.Header{"Authorization": {basic(sandbox.Username, sandbox.Password)}}, status: 401, contains: []string{`"API_001"`}},
		},
	}
	for slug, ws := range cases {
		t.Run(slug, func(t *testing.T) {
			js := sandbox.Generate(sandbox.Options{Seed: 41, N: 3, Carriers: []string{slug}})
			srv, err := sandbox.Start(sandbox.ServerOptions{Journeys: js, Carriers: []string{slug}})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			known := url.PathEscape(js[0].Legs[js[0].LegOf(slug)].Number)
			unknown := unknownNumber(slug)
			for _, w := range ws {
				w.run(t, srv, slug, known, unknown)
			}
		})
	}
}

// TestAusPostClock: Australia Post writes every date in eastern Australian
// time, so a Perth scan carries Melbourne's offset; the instant stays right.
func TestAusPostClock(t *testing.T) {
	js := sandbox.Generate(sandbox.Options{Seed: 43, N: 40, Carriers: []string{"australia-post"}})
	srv, err := sandbox.Start(sandbox.ServerOptions{Journeys: js, Carriers: []string{"australia-post"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := open(t, srv, "australia-post")
	perth := 0
	for i, tg := range targets(js, "australia-post") {
		r := trackAll(t, c, []target{tg})[0]
		check(t, "australia-post", tg, r, srv.Clock().Now())
		for k, s := range tg.j.Visible(tg.leg, srv.Clock().Now()) {
			if s.Place.Zone != "Australia/Perth" || k >= len(r.Events) {
				continue
			}
			perth++
			if r.Events[k].LocalTime == s.Local().Format("2006-01-02T15:04:05") {
				t.Errorf("parcel %d: Perth scan shown at Perth wall clock %s; Australia Post writes Melbourne time", i, r.Events[k].LocalTime)
			}
			if want := s.At.In(mustZone(t, "Australia/Melbourne")).Format("2006-01-02T15:04:05"); r.Events[k].LocalTime != want {
				t.Errorf("parcel %d: Perth scan at %s, want Melbourne's %s", i, r.Events[k].LocalTime, want)
			}
		}
	}
	if perth == 0 {
		t.Fatal("no Perth scan among the journeys")
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
