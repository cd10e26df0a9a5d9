package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/waypost/waypost/api"
	"github.com/waypost/waypost/internal/testdb"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/store/postgres"
	"github.com/waypost/waypost/store/sqlite"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// engines opens a fresh store of each engine; PostgreSQL follows the
// store/postgres tests: WAYPOST_TEST_DATABASE_URL or a skip (a failure
// under CI=true).
var engines = []struct {
	name string
	open func(t testing.TB) store.Store
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

func openSQLite(t testing.TB) store.Store {
	t.Helper()
	return testdb.OpenSQLite(t, sqlite.Options{Logger: quiet})
}

func openPostgres(t testing.TB) store.Store {
	t.Helper()
	u := testdb.FreshSchema(t, "waypost_api")
	return testdb.OpenPostgres(t, u, postgres.Options{Logger: quiet, MaxConns: 8})
}

// env is a running API with two tenants and keys of every scope.
type env struct {
	t     *testing.T
	st    store.Store
	api   *api.API
	srv   *httptest.Server
	doc   *openAPIDoc
	a, b  shipment.Tenant
	read  string // tenant A's keys
	write string
	admin string
	bKey  string // tenant B's admin key
}

func newEnv(t *testing.T, st store.Store, opts api.Options) *env {
	t.Helper()
	opts.Store, opts.Logger = st, quiet
	a, err := api.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e := &env{t: t, st: st, api: a, srv: srv}
	e.a, e.b = e.tenant("shop-a"), e.tenant("shop-b")
	e.read, e.write, e.admin = e.key(e.a.ID, store.ScopeRead), e.key(e.a.ID, store.ScopeWrite), e.key(e.a.ID, store.ScopeAdmin)
	e.bKey = e.key(e.b.ID, store.ScopeAdmin)
	e.doc = loadDoc(t, srv.URL)
	return e
}

func (e *env) tenant(slug string) shipment.Tenant {
	tn := shipment.Tenant{Slug: slug, Name: slug}
	if err := e.st.CreateTenant(context.Background(), &tn); err != nil {
		e.t.Fatal(err)
	}
	return tn
}

func (e *env) key(tenantID int64, scope string) string {
	secret, hash, prefix := api.GenerateKey()
	k := store.APIKey{TenantID: tenantID, Prefix: prefix, Hash: hash, Scope: scope}
	if err := e.st.(store.Keys).CreateAPIKey(context.Background(), &k); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// resp is an answer, its body already checked against the document.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, r.body)
	}
}

// errCode returns the error code of an error answer.
func (r resp) errCode(t *testing.T) string {
	t.Helper()
	var v struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	r.decode(t, &v)
	return v.Error.Code
}

// call sends a request with key (none when empty) and body (JSON-encoded
// unless []byte or string) and validates the answer against the OpenAPI
// document.
func (e *env) call(method, path, key string, body any, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := resp{res.StatusCode, res.Header, b}
	if strings.HasPrefix(path, api.Base) {
		e.doc.validate(e.t, method, path, r)
	}
	return r
}

// openAPIDoc validates answers against the served document with an
// independent JSON Schema implementation.
type openAPIDoc struct {
	raw      map[string]any
	compiler *jsonschema.Compiler
	paths    []pathTemplate
	cache    map[string]*jsonschema.Schema
}

type pathTemplate struct {
	template string
	re       *regexp.Regexp
	params   int
}

const docURL = "mem://waypost/openapi.json"

func loadDoc(t *testing.T, base string) *openAPIDoc {
	t.Helper()
	res, err := http.Get(base + api.Base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET openapi.json without a key: %d", res.StatusCode)
	}
	raw, err := jsonschema.UnmarshalJSON(res.Body)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	d := &openAPIDoc{raw: raw.(map[string]any), compiler: jsonschema.NewCompiler(), cache: map[string]*jsonschema.Schema{}}
	if v := d.raw["openapi"]; v != "3.1.0" {
		t.Fatalf("openapi = %v, want 3.1.0", v)
	}
	d.compiler.DefaultDraft(jsonschema.Draft2020)
	d.compiler.AssertFormat()
	if err := d.compiler.AddResource(docURL, raw); err != nil {
		t.Fatal(err)
	}
	for p := range d.raw["paths"].(map[string]any) {
		re := "^" + regexp.MustCompile(`\\\{[^/]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$"
		d.paths = append(d.paths, pathTemplate{p, regexp.MustCompile(re), strings.Count(p, "{")})
	}
	// Literal paths before templated ones: /trackings/bulk before /trackings/{id}.
	sort.Slice(d.paths, func(i, j int) bool { return d.paths[i].params < d.paths[j].params })
	return d
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// validate checks that the status is documented for the operation and
// the body matches its schema.
func (d *openAPIDoc) validate(t *testing.T, method, path string, r resp) {
	t.Helper()
	p, _, _ := strings.Cut(path, "?")
	m := strings.ToLower(method)
	for _, pt := range d.paths {
		if !pt.re.MatchString(p) {
			continue
		}
		ops := d.raw["paths"].(map[string]any)[pt.template].(map[string]any)
		op, ok := ops[m].(map[string]any)
		if !ok {
			continue
		}
		code := fmt.Sprint(r.status)
		responses := op["responses"].(map[string]any)
		if _, ok := responses[code]; !ok {
			if _, ok := responses["default"]; !ok {
				t.Fatalf("%s %s answered %d, which the document does not list for %s", method, path, r.status, pt.template)
			}
			code = "default"
		}
		content, _ := responses[code].(map[string]any)["content"].(map[string]any)
		if len(content) == 0 {
			if len(r.body) != 0 {
				t.Fatalf("%s %s: %d has a body but the document says none", method, path, r.status)
			}
			return
		}
		ptr := "#/paths/" + escapePointer(pt.template) + "/" + m + "/responses/" + code + "/content/" + escapePointer(firstKey(content)) + "/schema"
		sch, ok := d.cache[ptr]
		if !ok {
			var err error
			sch, err = d.compiler.Compile(docURL + ptr)
			if err != nil {
				t.Fatalf("compile %s: %v", ptr, err)
			}
			d.cache[ptr] = sch
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, r.body)
		}
		if err := sch.Validate(v); err != nil {
			t.Fatalf("%s %s: %d answer does not match the document: %v\n%s", method, path, r.status, err, r.body)
		}
		return
	}
	if r.status != http.StatusNotFound {
		t.Fatalf("%s %s: no operation in the document", method, path)
	}
}

func firstKey(m map[string]any) string {
	for k := range m {
		return k
	}
	return ""
}

// each runs fn on a fresh environment of every engine.
func each(t *testing.T, opts api.Options, fn func(t *testing.T, e *env)) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			fn(t, newEnv(t, eng.open(t), opts))
		})
	}
}

func mustTenant(tb testing.TB, st store.Store, slug string) shipment.Tenant {
	tb.Helper()
	tn := shipment.Tenant{Slug: slug}
	if err := st.CreateTenant(context.Background(), &tn); err != nil {
		tb.Fatal(err)
	}
	return tn
}

func mustKey(tb testing.TB, st store.Store, tenantID int64) string {
	tb.Helper()
	secret, hash, prefix := api.GenerateKey()
	if err := st.(store.Keys).CreateAPIKey(context.Background(), &store.APIKey{TenantID: tenantID, Prefix: prefix, Hash: hash, Scope: store.ScopeWrite}); err != nil {
		tb.Fatal(err)
	}
	return secret
}

func bulkCreate(tb testing.TB, a *api.API, key string, items []map[string]any) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"trackings": items})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/trackings/bulk", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	a.ServeHTTP(w, req)
	if w.Code != 200 {
		tb.Fatalf("bulk: %d %s", w.Code, w.Body)
	}
}
