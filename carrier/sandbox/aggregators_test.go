package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/carrier/aftership"
	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/carrier/seventeentrack"
)

// aggregatorFixture serves journeys of every route to one aggregator with
// the clock at the middle of their lives.
func aggregatorFixture(t *testing.T, agg string) (*sandbox.Server, []target, time.Time) {
	t.Helper()
	js := sandbox.Generate(sandbox.Options{Seed: 31, N: 12, Carriers: []string{agg}, Spread: 2 * 24 * time.Hour,
		Mix: map[sandbox.Scenario]float64{sandbox.ScenarioDelivered: 1}})
	at := sandbox.DefaultStart.Add(6 * 24 * time.Hour)
	srv, err := sandbox.Start(sandbox.ServerOptions{Clock: sandbox.NewClock(at, 0), Journeys: js, Carriers: []string{agg}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	var ts []target
	for _, tg := range targets(js, agg) {
		if n := len(shown(agg, tg, at)); n > 0 && n < len(tg.j.Steps) {
			ts = append(ts, tg) // on its way: the later moments add events
		}
	}
	if len(ts) < 3 {
		t.Fatalf("only %d parcels on their way at %s", len(ts), at)
	}
	return srv, ts, at
}

// post sends a raw JSON call to the sandbox and decodes the answer.
func post(t *testing.T, url string, header http.Header, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: answer %d is not a JSON object: %.200s", req.Method, req.URL.Path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// rejectedCodes returns number → error code of a 17TRACK envelope.
func rejectedCodes(t *testing.T, env map[string]any) map[string]float64 {
	t.Helper()
	data, _ := env["data"].(map[string]any)
	out := map[string]float64{}
	rej, _ := data["rejected"].([]any)
	for _, r := range rej {
		m := r.(map[string]any)
		out[m["number"].(string)] = m["error"].(map[string]any)["code"].(float64)
	}
	return out
}

// TestSeventeenTrackProtocol checks the registration rules on the wire.
func TestSeventeenTrackProtocol(t *testing.T) {
	srv, ts, _ := aggregatorFixture(t, "17track")
	base := srv.BaseURL("17track")
	h := http.Header{"17token": {sandbox.APIKey}}
	num := ts[0].j.Legs[0].Number

	_, env := post(t, base+"/gettrackinfo", h, `[{"number":"`+num+`"}]`)
	if c := rejectedCodes(t, env)[num]; c != -18019902 {
		t.Errorf("gettrackinfo before register: code %v, want -18019902 (not registered)", c)
	}
	_, env = post(t, base+"/register", h, `[{"number":"`+num+`"},{"number":"ZZ-NOT-A-NUMBER"}]`)
	if rc := rejectedCodes(t, env); len(rc) != 1 || rc["ZZ-NOT-A-NUMBER"] != -18019903 {
		t.Errorf("register: rejected %v, want only ZZ-NOT-A-NUMBER as -18019903 (carrier not detected)", rc)
	}
	_, env = post(t, base+"/register", h, `[{"number":"`+num+`"}]`)
	if c := rejectedCodes(t, env)[num]; c != -18019901 {
		t.Errorf("second register: code %v, want -18019901 (already registered)", c)
	}
	_, env = post(t, base+"/gettrackinfo", h, `[{"number":"`+num+`"}]`)
	acc, _ := env["data"].(map[string]any)["accepted"].([]any)
	if len(acc) != 1 || acc[0].(map[string]any)["track_info"] == nil {
		t.Errorf("gettrackinfo after register: accepted %v, want the number with track_info", acc)
	}
	var many []string
	for i := range 41 {
		many = append(many, fmt.Sprintf(`{"number":"RR%08d5CN"}`, i))
	}
	_, env = post(t, base+"/register", h, "["+strings.Join(many, ",")+"]")
	if env["code"] != float64(-18010014) {
		t.Errorf("41 numbers: code %v, want -18010014", env["code"])
	}
	status, env := post(t, base+"/gettrackinfo", http.Header{"17token": {"wrong"}}, `[{"number":"`+num+`"}]`)
	if status != http.StatusUnauthorized || env["code"] != float64(-18010002) {
		t.Errorf("wrong key: %d %v, want 401 with code -18010002", status, env["code"])
	}
}

// stopper is the 17TRACK connector's stop and retrack.
type stopper interface {
	Stop(ctx context.Context, numbers []string) (map[string]error, error)
	Retrack(ctx context.Context, numbers []string) (map[string]error, error)
}

// TestSeventeenTrackStopRetrack: a stopped number keeps the events it had
// when it was stopped; retrack resumes it, once.
func TestSeventeenTrackStopRetrack(t *testing.T) {
	srv, ts, at := aggregatorFixture(t, "17track")
	c := open(t, srv, "17track")
	ctx := context.Background()
	tg := ts[0]
	num := tg.j.Legs[0].Number
	check(t, "17track", tg, trackAll(t, c, []target{tg})[0], at)
	st, ok := c.(stopper)
	if !ok {
		t.Fatalf("the 17TRACK connector (%T) has no Stop/Retrack", c)
	}
	if failed, err := st.Stop(ctx, []string{num}); err != nil || len(failed) > 0 {
		t.Fatalf("stop: %v %v", failed, err)
	}
	later := tg.j.Last().Add(time.Hour)
	srv.Clock().Set(later)
	check(t, "17track", tg, trackAll(t, c, []target{tg})[0], at) // frozen at the stop
	if failed, err := st.Retrack(ctx, []string{num}); err != nil || len(failed) > 0 {
		t.Fatalf("retrack: %v %v", failed, err)
	}
	check(t, "17track", tg, trackAll(t, c, []target{tg})[0], later)
	failed, err := st.Retrack(ctx, []string{num})
	if err != nil || failed[num] == nil || !strings.Contains(failed[num].Error(), "-18019904") {
		t.Errorf("second retrack: %v %v, want -18019904 for %s", failed, err, num)
	}
}

// webhookSink collects what a connector's webhook handler hands over.
type webhookSink struct {
	got chan []carrier.Result
}

func (s *webhookSink) fn(_ context.Context, rs []carrier.Result) error {
	s.got <- rs
	return nil
}

// TestPush: the sandbox pushes a number's tracking to the connectors' own
// webhook handlers with 17TRACK's and AfterShip's signatures; the handler
// verifies it and yields exactly the events revealed by then.
func TestPush(t *testing.T) {
	const webhookSecret = "sandbox-webhook-secret"
	for _, agg := range []string{"17track", "aftership"} {
		t.Run(agg, func(t *testing.T) {
			srv, ts, at := aggregatorFixture(t, agg)
			sink := &webhookSink{got: make(chan []carrier.Result, 4)}
			var handler http.Handler
			secret := webhookSecret
			if agg == "17track" {
				secret = sandbox.APIKey // 17TRACK signs with the account's key
				handler = seventeentrack.NewWebhookHandler(carrier.NewSecret(secret), sink.fn)
			} else {
				handler = aftership.NewWebhookHandler(carrier.NewSecret(secret), sink.fn)
			}
			hook := httptest.NewServer(handler)
			defer hook.Close()
			tg := ts[0]
			num := tg.j.Legs[0].Number

			if err := srv.Push(agg, hook.URL, secret, num); err == nil {
				t.Error("push of a number never registered or created: no error")
			}
			c := open(t, srv, agg)
			check(t, agg, tg, trackAll(t, c, []target{tg})[0], at) // registers or creates it
			later := tg.j.Last()                                   // every scan revealed
			srv.Clock().Set(later)
			if err := srv.Push(agg, hook.URL, secret, num); err != nil {
				t.Fatalf("push: %v", err)
			}
			select {
			case rs := <-sink.got:
				if len(rs) != 1 {
					t.Fatalf("webhook gave %d results, want 1", len(rs))
				}
				if len(shown(agg, tg, later)) <= len(shown(agg, tg, at)) {
					t.Fatalf("nothing new between %s and %s: the test proves nothing", at, later)
				}
				check(t, agg, tg, rs[0], later)
			case <-time.After(5 * time.Second):
				t.Fatal("the webhook handler received nothing")
			}
			err := srv.Push(agg, hook.URL, "not-the-secret", num)
			if err == nil || !strings.Contains(err.Error(), "401") {
				t.Errorf("push signed with another secret: err = %v, want a 401 refusal", err)
			}
			if agg == "17track" {
				st := c.(stopper)
				if _, err := st.Stop(context.Background(), []string{num}); err != nil {
					t.Fatal(err)
				}
				if err := srv.Push(agg, hook.URL, secret, num); err != nil {
					t.Fatalf("push of a stopped number: %v", err)
				}
				select {
				case rs := <-sink.got:
					t.Errorf("TRACKING_STOPPED handed %d results over, want none", len(rs))
				default:
				}
			}
		})
	}
}

// TestAfterShipProtocol checks creation, listing and reading on the wire.
func TestAfterShipProtocol(t *testing.T) {
	srv, ts, _ := aggregatorFixture(t, "aftership")
	base := srv.BaseURL("aftership")
	h := func() http.Header { return http.Header{"As-Api-Key": {sandbox.APIKey}} }
	num := ts[0].j.Legs[0].Number

	status, env := post(t, base+"/trackings", h(), `{"tracking_number":"`+num+`"}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, env["meta"])
	}
	data := env["data"].(map[string]any)
	id := data["id"].(string)
	if cps, _ := data["checkpoints"].([]any); len(cps) == 0 || data["slug"] == "" {
		t.Errorf("created tracking: slug %v, %d checkpoints; want the detected courier and the scans so far", data["slug"], len(cps))
	}
	status, env = post(t, base+"/trackings", h(), `{"tracking_number":"`+num+`"}`)
	if status != http.StatusBadRequest || env["meta"].(map[string]any)["code"] != float64(4003) {
		t.Errorf("second create: %d %v, want 400 with meta 4003", status, env["meta"])
	}
	status, env = post(t, base+"/trackings", h(), `{"tracking_number":"ZZ-NOT-A-NUMBER"}`)
	if status != http.StatusBadRequest || env["meta"].(map[string]any)["code"] != float64(4012) {
		t.Errorf("undetectable number: %d %v, want 400 with meta 4012", status, env["meta"])
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/trackings/"+id, nil)
	req.Header = h()
	if status, env = do(t, req); status != http.StatusOK || env["data"].(map[string]any)["tracking_number"] != num {
		t.Errorf("get by id: %d %v", status, env["meta"])
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/trackings/ffffffff", nil)
	req.Header = h()
	if status, env = do(t, req); status != http.StatusNotFound || env["meta"].(map[string]any)["code"] != float64(4004) {
		t.Errorf("unknown id: %d %v, want 404 with meta 4004", status, env["meta"])
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/trackings?tracking_numbers="+num+","+ts[1].j.Legs[0].Number, nil)
	req.Header = h()
	status, env = do(t, req)
	list, _ := env["data"].(map[string]any)["trackings"].([]any)
	if status != http.StatusOK || len(list) != 1 {
		t.Errorf("list of one created and one unknown number: %d, %d trackings, want 200 and 1", status, len(list))
	}
	fifty1 := strings.TrimSuffix(strings.Repeat("RR000000005CN,", 51), ",")
	req, _ = http.NewRequest(http.MethodGet, base+"/trackings?tracking_numbers="+fifty1, nil)
	req.Header = h()
	if status, _ = do(t, req); status != http.StatusBadRequest {
		t.Errorf("list of 51 numbers: %d, want 400", status)
	}
}
