// Package api is Waypost's REST API, version 1: trackings (a shipment with
// its carrier legs), detection, carriers, API keys, and an AfterShip
// compatible subset under /compat/aftership.
//
// The API is code-first: every operation is registered with huma, which
// derives the OpenAPI 3.1 document served at GET /api/v1/openapi.json and
// validates requests against it. Every error, whether it comes from
// validation, authentication, rate limiting or a handler, has one shape:
//
//	{"error": {"code": "tracking_not_found", "message": "...", "details": [...]}}
//
// where code is stable and meant for programs (see the Code* constants).
//
// Authentication is by API key: "Authorization: Bearer wp_live_..." or the
// "Waypost-Api-Key" header. Keys have a scope (read, write or admin); an
// operation names the scope it needs.
//
// # Adding operations
//
// Other packages add operations to the same API and document with
// Register, before the server starts serving (the document is built on its
// first request):
//
//	a.Register(func(h huma.API, auth api.Auth) {
//		op := huma.Operation{OperationID: "list-alerts", Method: http.MethodGet, Path: "/api/v1/alerts"}
//		auth.Require(&op, store.ScopeRead)
//		huma.Register(h, op, func(ctx context.Context, in *struct{}) (*AlertsOutput, error) {
//			tenantID := api.TenantID(ctx)
//			...
//			return nil, api.NewError(http.StatusNotFound, "alert_not_found", "no such alert")
//		})
//	})
//
// Paths are absolute (/api/v1/...). Auth.Require adds authentication, the
// scope check, rate limiting and the documented 401/403/429 answers;
// TenantID gives the caller's tenant, and every store call must pass it so
// that a tenant never sees another's rows. StoreError turns a store error
// into the API error of the same meaning.
package api
