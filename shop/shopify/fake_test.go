package shopify_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeAdmin is a local Shopify Admin API answering the REST
// FulfillmentEvent endpoint as shopify.dev documents it (POST
// /admin/api/<version>/orders/<id>/fulfillments/<id>/events.json with an
// "event" object; 201 with "fulfillment_event"; 401 without a valid
// X-Shopify-Access-Token; 429 with Retry-After when throttled).
type fakeAdmin struct {
	token string
	mu    sync.Mutex
	fail  []int // statuses to answer before succeeding, in order
	// events are the accepted posts: path and event status.
	events []postedEvent
	calls  int
}

type postedEvent struct {
	Path, Status, Message, HappenedAt string
}

func newFakeAdmin(t *testing.T, token string) (*fakeAdmin, *httptest.Server) {
	f := &fakeAdmin{token: token}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/api/{version}/orders/{order}/fulfillments/{ful}/events.json", f.event)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeAdmin) event(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if r.Header.Get("X-Shopify-Access-Token") != f.token {
		http.Error(w, `{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`, http.StatusUnauthorized)
		return
	}
	if len(f.fail) > 0 {
		code := f.fail[0]
		f.fail = f.fail[1:]
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "2.0")
		}
		http.Error(w, `{"errors":"try later"}`, code)
		return
	}
	var body struct {
		Event struct {
			Status     string `json:"status"`
			Message    string `json:"message"`
			HappenedAt string `json:"happened_at"`
		} `json:"event"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Event.Status == "" {
		http.Error(w, `{"errors":{"status":["can't be blank"]}}`, http.StatusUnprocessableEntity)
		return
	}
	switch body.Event.Status {
	case "label_printed", "label_purchased", "attempted_delivery", "ready_for_pickup", "confirmed", "in_transit",
		"out_for_delivery", "delivered", "failure", "delayed", "carrier_picked_up":
	default:
		http.Error(w, `{"errors":{"status":["is not included in the list"]}}`, http.StatusUnprocessableEntity)
		return
	}
	f.events = append(f.events, postedEvent{Path: r.URL.Path, Status: body.Event.Status, Message: body.Event.Message,
		HappenedAt: body.Event.HappenedAt})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write([]byte(`{"fulfillment_event":{"id":944956395,"status":"` + body.Event.Status + `"}}`))
}

func (f *fakeAdmin) posted() []postedEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]postedEvent(nil), f.events...)
}

func (f *fakeAdmin) failNext(codes ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = append(f.fail, codes...)
}

func statuses(evs []postedEvent) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.Status)
	}
	return strings.Join(s, ",")
}
