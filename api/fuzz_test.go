package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// FuzzCreateDecoding sends arbitrary bodies to the create and bulk
// operations: every answer must be a documented outcome (never a 500),
// and every error must have the API's shape with a code.
func FuzzCreateDecoding(f *testing.F) {
	for _, s := range []string{
		`{"tracking_number":"1Z5R89390357567127"}`,
		`{"tracking_number":"JD1","carrier":"dhl","customer":{"email":"a@b.co","phone":"+4930123456","address":{"city":"x"}}}`,
		`{"tracking_number":"201298452277","promised_date":"2026-02-30"}`,
		`{"tracking_number":"X","carrier":"ups","extra":{"postal_code":"10115"},"ordered_at":"2026-01-01T00:00:00Z"}`,
		`{"trackings":[{"tracking_number":"JD2","carrier":"dhl"},{}]}`,
		`{"tracking_number":null}`, `[]`, `"x"`, `{"customer":{"phone":"00"}}`, "{\"tracking_number\":\"\xff\"}",
	} {
		f.Add(s)
	}
	st := openSQLite(f)
	a, err := api.New(api.Options{Store: st, Logger: quiet})
	if err != nil {
		f.Fatal(err)
	}
	tn := shipment.Tenant{Slug: "fuzz"}
	if err := st.CreateTenant(context.Background(), &tn); err != nil {
		f.Fatal(err)
	}
	secret, hash, prefix := api.GenerateKey()
	if err := st.(store.Keys).CreateAPIKey(context.Background(), &store.APIKey{TenantID: tn.ID, Prefix: prefix, Hash: hash, Scope: store.ScopeWrite}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/api/v1/trackings", "/api/v1/trackings/bulk"} {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+secret)
			w := httptest.NewRecorder()
			a.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("%s %q: %d %s", path, body, w.Code, w.Body)
			}
			if w.Code >= 400 {
				var e struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if err := json.NewDecoder(bytes.NewReader(w.Body.Bytes())).Decode(&e); err != nil || e.Error.Code == "" {
					t.Fatalf("%s %q: error answer %d without a code: %s", path, body, w.Code, w.Body)
				}
			}
		}
	})
}
