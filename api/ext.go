package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/waypost/waypost/alert"
	"github.com/waypost/waypost/notify"
	"github.com/waypost/waypost/shop"
	"github.com/waypost/waypost/store"
)

// Stable codes of the domain operations, besides those their packages
// define (alert.ErrorCode, notify.ErrorCode).
const (
	CodeCaseChanged     = "case_changed"
	CodeCaseExists      = "case_exists"
	CodeTemplateInvalid = notify.ErrTemplateInvalid
	CodeShopExists      = "shop_exists"
	CodeCredentials     = "credentials_unreadable"
)

// extConfig is what the domain operations need besides the store. It
// lives outside API so that api.go stays the core's; set through the
// Set* methods before serving.
type extConfig struct {
	mu      sync.RWMutex
	guard   *notify.Guard
	vault   *shop.Vault
	baseURL string
	outbox  *notify.Outbox
	// sub serves GET /trackings/{id}/<word>: see trackingSubAPI.
	sub huma.API
}

var extConfigs sync.Map // *API -> *extConfig

func (a *API) ext() *extConfig {
	c, _ := extConfigs.LoadOrStore(a, &extConfig{})
	return c.(*extConfig)
}

// SetWebhookGuard sets the guard that checks webhook URLs; without one,
// loopback and private addresses are refused (notify.NewGuard(nil)).
func (a *API) SetWebhookGuard(g *notify.Guard) {
	c := a.ext()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.guard = g
}

// SetShopVault sets the vault that seals shop credentials; it must be the
// one the shop integrations open them with. Without one they are stored
// in clear (as the shop part does without --shop-secret-key).
func (a *API) SetShopVault(v *shop.Vault) {
	c := a.ext()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.vault = v
}

// SetBaseURL sets the server's public address, for the webhook URLs of
// shop connections.
func (a *API) SetBaseURL(u string) {
	c := a.ext()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.baseURL = u
}

// SetOutbox sets the outbox test and replayed webhook messages go
// through, so that its dispatcher wakes at once; without one they wait
// for its next poll.
func (a *API) SetOutbox(o *notify.Outbox) {
	c := a.ext()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.outbox = o
}

func (c *extConfig) get() (guard *notify.Guard, vault *shop.Vault, baseURL string, ob *notify.Outbox) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.guard, c.vault, c.baseURL, c.outbox
}

// registerExt adds the operations of the other domains: alerts and cases,
// webhooks, notification settings, estimates and analytics, shops. Each
// group is registered only when the store implements what it needs.
func (a *API) registerExt() {
	a.ext().sub = a.trackingSubAPI()
	a.registerAlerts()
	a.registerCases()
	a.registerWebhooks()
	a.registerNotify()
	a.registerEstimates()
	a.registerShops()
}

// trackingSubAPI returns a huma API that shares the main document but
// serves from its own mux. The core's GET /trackings/by-number/{number}
// and GET /trackings/{id}/estimate would conflict in one ServeMux (neither
// is more specific), so the main mux hands GET /trackings/{id}/{rest...},
// which by-number and by-reference are more specific than, to this one.
func (a *API) trackingSubAPI() huma.API {
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("Waypost API", "")
	cfg.OpenAPI = a.huma.OpenAPI()
	cfg.OpenAPIPath, cfg.DocsPath, cfg.SchemasPath = "", "", ""
	cfg.CreateHooks = nil
	h := humago.New(mux, cfg)
	h.UseMiddleware(a.middleware)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, NewError(http.StatusNotFound, CodeNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path))
	})
	a.mux.Handle("GET "+Base+"/trackings/{id}/{rest...}", mux)
	return h
}

// trackingGets is where GET operations under /trackings/{id}/ register.
func (a *API) trackingGets() huma.API { return a.ext().sub }

// actor names the caller in audit trails: the key's prefix, never the key.
func actor(ctx context.Context) string {
	if k, ok := CallerKey(ctx); ok {
		return "api:" + k.Prefix
	}
	return "api"
}

// domainErr maps the errors of the domain packages to API errors with
// their stable codes; anything else goes through storeErr.
func (a *API) domainErr(ctx context.Context, err error, what string) error {
	var ae *alert.Error
	if errors.As(err, &ae) {
		switch ae.Code {
		case alert.ErrTooLarge.Code:
			return NewError(http.StatusRequestEntityTooLarge, ae.Code, err.Error())
		case alert.ErrFileType.Code:
			return NewError(http.StatusUnsupportedMediaType, ae.Code, err.Error())
		}
		return NewError(http.StatusUnprocessableEntity, ae.Code, err.Error())
	}
	var te *notify.TemplateError
	if errors.As(err, &te) {
		d := Detail{Location: "body.text", Message: te.Err.Error()}
		if te.Line > 0 {
			d.Value = te.Line
			d.Message = "line " + strconv.Itoa(te.Line) + ": " + d.Message
		}
		return NewError(http.StatusUnprocessableEntity, CodeTemplateInvalid, te.Error(), d)
	}
	var se *notify.SubscribeError
	if errors.As(err, &se) {
		return NewError(http.StatusUnprocessableEntity, se.Code(), se.Error())
	}
	var ue *notify.URLError
	if errors.As(err, &ue) {
		return NewError(http.StatusUnprocessableEntity, ue.Code, ue.Error(), Detail{Location: "body.url", Message: ue.Msg})
	}
	var ee *notify.EndpointError
	if errors.As(err, &ee) {
		return NewError(http.StatusUnprocessableEntity, ee.Code, ee.Error())
	}
	if errors.Is(err, store.ErrInvalid) {
		return NewError(http.StatusUnprocessableEntity, CodeValidation, err.Error())
	}
	return a.storeErr(ctx, err, what)
}
