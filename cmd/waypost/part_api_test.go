package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/server"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/sqlite"
)

func TestBootstrapKey(t *testing.T) {
	ctx := context.Background()
	st := testdb.OpenSQLite(t, sqlite.Options{})
	const secret = "wp_live_bootstrapsecret0123456789"
	for range 2 { // a restart with the same key changes nothing
		if err := bootstrapKey(ctx, st, 0, secret); err != nil {
			t.Fatal(err)
		}
	}
	tn, err := st.FindTenantBySlug(ctx, "default")
	if err != nil {
		t.Fatalf("default tenant not created: %v", err)
	}
	keys, err := st.ListAPIKeys(ctx, tn.ID)
	if err != nil || len(keys) != 1 || keys[0].Scope != store.ScopeAdmin || keys[0].Hash != api.HashKey(secret) {
		t.Fatalf("keys of the default tenant: %+v, %v", keys, err)
	}
	// With a default tenant (the demo's shop) the key goes there; a key
	// already held by another tenant is refused.
	if err := bootstrapKey(ctx, st, tn.ID+1, secret); err == nil {
		t.Fatal("the same key for another tenant was accepted")
	}
}

func TestExtendAPI(t *testing.T) {
	restAPI, apiPending = nil, nil
	defer func() { restAPI, apiPending = nil, nil }()
	extendAPI(func(h huma.API, auth api.Auth) {
		op := huma.Operation{OperationID: "ping-extension", Method: http.MethodGet, Path: api.Base + "/extension-ping"}
		auth.Require(&op, store.ScopeRead)
		huma.Register(h, op, func(ctx context.Context, _ *struct{}) (*struct{ Body struct{ Tenant int64 } }, error) {
			out := &struct{ Body struct{ Tenant int64 } }{}
			out.Body.Tenant = api.TenantID(ctx)
			return out, nil
		})
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := testdb.OpenSQLite(t, sqlite.Options{})
	srv := server.New(server.Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	apiFlags.key = "wp_live_extensiontest0123456789"
	defer func() { apiFlags.key = "" }()
	env := &partEnv{Ctx: ctx, Store: st, Server: srv, Log: log, Now: time.Now}
	if err := startAPI(env); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	res, err := http.Get(hs.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(doc), "ping-extension") {
		t.Fatal("the extension's operation is not in the document")
	}
	req, _ := http.NewRequest("GET", hs.URL+"/api/v1/extension-ping", nil)
	req.Header.Set("Authorization", "Bearer "+apiFlags.key)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"Tenant":1`) {
		t.Fatalf("extension with the bootstrap key: %d %s", res.StatusCode, body)
	}
}
