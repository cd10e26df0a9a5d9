package track

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/ui"
)

// shop is the tenant a request is about, with its branding; tenant 0 is
// the cross-tenant /track of a server without a default shop.
type shop struct {
	store.Branding
	path string // the shop's page: /track or /track/{slug}
}

// resolveShop finds the tenant from the {slug} path value or the "shop"
// form or query field, falling back to the default tenant.
func (h *Handler) resolveShop(ctx context.Context, slug string) (shop, error) {
	if slug != "" {
		b, err := h.pages.BrandingBySlug(ctx, slug)
		if err != nil {
			return shop{}, err
		}
		return shop{b, "/track/" + url.PathEscape(b.Slug)}, nil
	}
	if h.cfg.DefaultTenantID != 0 {
		b, err := h.pages.GetBranding(ctx, h.cfg.DefaultTenantID)
		if err != nil {
			return shop{}, err
		}
		return shop{b, "/track"}, nil
	}
	return shop{path: "/track"}, nil
}

// normalizeNumber strips what people paste around tracking numbers.
func normalizeNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ', r == '-', r == '.', r == '\t':
		default:
			return "" // not a tracking number: nothing to look up
		}
	}
	if b.Len() > 40 {
		return ""
	}
	return b.String()
}

// page serves /track and /track/{slug}: the lookup form, or a shipment
// named by ?n= (tracking number) or ?order= (after verification).
func (h *Handler) page(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, false)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, embed bool) {
	ctx := r.Context()
	slug := r.PathValue("slug")
	if slug == "" {
		slug = r.URL.Query().Get("shop")
	}
	sh, err := h.resolveShop(ctx, slug)
	if err != nil {
		h.fail(w, r, sh, embed, err)
		return
	}
	lang := h.language(w, r)
	v := h.baseView(r, sh, lang, embed)
	q := r.URL.Query()
	n, order := q.Get("n"), strings.TrimSpace(q.Get("order"))
	v.Number, v.Order = n, order
	switch {
	case order != "":
		h.orderPage(w, r, v)
	case n != "":
		h.numberPage(w, r, v)
	default:
		h.render(w, r, v, http.StatusOK, cachePublic)
	}
}

// language picks the page language; a choice made in the switcher is
// remembered in a cookie.
func (h *Handler) language(w http.ResponseWriter, r *http.Request) string {
	lang := ui.Negotiate(r)
	if q := r.URL.Query().Get("lang"); q != "" && ui.Supported(q) {
		if c, err := r.Cookie(ui.LangCookie); err != nil || c.Value != q {
			http.SetCookie(w, &http.Cookie{Name: ui.LangCookie, Value: q, Path: "/track",
				MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		}
	}
	return lang
}

func (h *Handler) numberPage(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	if !h.allow(w, r, v, 1) {
		return
	}
	num := normalizeNumber(v.Number)
	tenant, s, err := h.findByNumber(ctx, v.shop.TenantID, num)
	if errors.Is(err, store.ErrNotFound) {
		h.counts.add(v.shop.TenantID, h.now(), func(p *store.PageCounts) { p.FailedLookups++ })
		h.metrics.lookups.WithLabelValues("not_found").Inc()
		v.Error = v.L["err_not_found"]
		h.render(w, r, v, http.StatusNotFound, cacheNone)
		return
	}
	if err != nil {
		h.fail(w, r, v.shop, v.Embed, err)
		return
	}
	if v.shop.TenantID == 0 {
		// Cross-tenant lookup: the page takes the shipment's shop's look.
		b, err := h.pages.GetBranding(ctx, tenant)
		if err != nil {
			h.fail(w, r, v.shop, v.Embed, err)
			return
		}
		v.shop = shop{b, "/track/" + url.PathEscape(b.Slug)}
		v.setShop()
	}
	verified := h.verified(r, tenant, s.ID)
	h.metrics.lookups.WithLabelValues("found").Inc()
	h.counts.add(tenant, h.now(), func(p *store.PageCounts) { p.Lookups++ })
	h.showShipment(w, r, v, s, verified)
}

// findByNumber returns the newest shipment of the tenant (any tenant when
// 0) with a parcel of this number.
func (h *Handler) findByNumber(ctx context.Context, tenant int64, num string) (int64, shipment.Shipment, error) {
	if num == "" {
		return 0, shipment.Shipment{}, store.ErrNotFound
	}
	if tenant != 0 {
		list, err := h.cfg.Store.FindShipmentsByTrackingNumber(ctx, tenant, num)
		if err != nil {
			return 0, shipment.Shipment{}, err
		}
		return tenant, list[0], nil
	}
	ps, err := h.cfg.Store.FindParcelsByNumber(ctx, num)
	if err != nil {
		return 0, shipment.Shipment{}, err
	}
	// The newest parcel: a reused number belongs to its latest shipment.
	p := ps[len(ps)-1]
	s, err := h.cfg.Store.GetShipment(ctx, p.TenantID, p.ShipmentID)
	return p.TenantID, s, err
}

// orderPage shows a shipment by order number, which needs the
// verification cookie; without it the form asks for the e-mail or postal
// code, saying nothing about whether the order exists.
func (h *Handler) orderPage(w http.ResponseWriter, r *http.Request, v *view) {
	if v.shop.TenantID == 0 {
		v.Error = v.L["err_need_shop"]
		h.render(w, r, v, http.StatusOK, cacheNone)
		return
	}
	s, err := h.cfg.Store.FindShipmentByReference(r.Context(), v.shop.TenantID, v.Order)
	if err != nil || !h.verified(r, v.shop.TenantID, s.ID) {
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, v.shop, v.Embed, err)
			return
		}
		v.Error = v.L["err_verify_again"]
		h.render(w, r, v, http.StatusOK, cacheNone)
		return
	}
	h.showShipment(w, r, v, s, true)
}

// lookup handles the order form: order number plus e-mail or postal code.
// An unknown order and a wrong e-mail get the same answer.
func (h *Handler) lookup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	sh, err := h.resolveShop(ctx, r.PostFormValue("shop"))
	embed := r.PostFormValue("embed") == "1"
	if err != nil {
		h.fail(w, r, sh, embed, err)
		return
	}
	lang := h.language(w, r)
	v := h.baseView(r, sh, lang, embed)
	v.Order = strings.TrimSpace(r.PostFormValue("order"))
	contact := strings.TrimSpace(r.PostFormValue("contact"))
	if num := r.PostFormValue("n"); num != "" && v.Order == "" {
		// The number form posted here when scripts rewrote it; treat as GET.
		http.Redirect(w, r, v.pageURL(url.Values{"n": {num}}), http.StatusSeeOther)
		return
	}
	if v.Order == "" || contact == "" {
		v.Error = v.L["err_need_both"]
		h.render(w, r, v, http.StatusUnprocessableEntity, cacheNone)
		return
	}
	if sh.TenantID == 0 {
		v.Error = v.L["err_need_shop"]
		h.render(w, r, v, http.StatusUnprocessableEntity, cacheNone)
		return
	}
	if !h.allow(w, r, v, 1) {
		return
	}
	s, err := h.cfg.Store.FindShipmentByReference(ctx, sh.TenantID, v.Order)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, sh, embed, err)
		return
	}
	if err != nil || !contactMatches(s, contact) {
		// A wrong guess costs more tokens: guessing e-mails or postal
		// codes for a known order number runs dry quickly.
		h.limiter.take(clientKey(r, h.cfg.TrustProxy), 4)
		h.counts.add(sh.TenantID, h.now(), func(p *store.PageCounts) { p.FailedLookups++ })
		h.metrics.lookups.WithLabelValues("unverified").Inc()
		v.Error = v.L["err_no_match"]
		h.render(w, r, v, http.StatusNotFound, cacheNone)
		return
	}
	h.metrics.lookups.WithLabelValues("verified").Inc()
	h.counts.add(sh.TenantID, h.now(), func(p *store.PageCounts) { p.Lookups++ })
	h.setVerified(w, r, sh.TenantID, s.ID)
	http.Redirect(w, r, v.pageURL(url.Values{"order": {s.Reference}}), http.StatusSeeOther)
}

// contactMatches compares what the buyer typed with the shipment's
// e-mail (case-insensitive) or destination postal code (ignoring spaces
// and dashes).
func contactMatches(s shipment.Shipment, typed string) bool {
	if e := s.Customer.Email; e != "" && strings.EqualFold(strings.TrimSpace(e), typed) {
		return true
	}
	pc := normalizePostal(s.Customer.Address.PostalCode)
	return pc != "" && pc == normalizePostal(typed)
}

func normalizePostal(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// allow spends one lookup token, answering 429 with Retry-After when the
// client has none left.
func (h *Handler) allow(w http.ResponseWriter, r *http.Request, v *view, cost float64) bool {
	ok, wait := h.limiter.take(clientKey(r, h.cfg.TrustProxy), cost)
	if ok {
		return true
	}
	secs := int(wait/time.Second) + 1
	h.metrics.lookups.WithLabelValues("limited").Inc()
	h.counts.add(v.shop.TenantID, h.now(), func(p *store.PageCounts) { p.FailedLookups++ })
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	v.Error = v.L["err_limited"]
	h.render(w, r, v, http.StatusTooManyRequests, cacheNone)
	return false
}

func (h *Handler) showShipment(w http.ResponseWriter, r *http.Request, v *view, s shipment.Shipment, verified bool) {
	sv, err := h.shipmentView(r.Context(), v, s, verified)
	if err != nil {
		h.fail(w, r, v.shop, v.Embed, err)
		return
	}
	v.Ship = sv
	v.Notice = v.L[r.URL.Query().Get("done")+"_done"]
	if r.URL.Query().Get("done") == "" {
		v.Notice = ""
	}
	h.metrics.views.Inc()
	h.counts.add(s.TenantID, h.now(), func(p *store.PageCounts) { p.Views++ })
	policy := cacheETag
	if verified {
		policy = cacheNone
	}
	h.render(w, r, v, http.StatusOK, policy)
}

type cachePolicy int

const (
	cacheNone   cachePolicy = iota // personal data or an error: never stored
	cachePublic                    // the empty form: same for everyone
	cacheETag                      // a number-only view: briefly cacheable, revalidated by ETag
)

// render executes the page and writes it with the caching headers of the
// policy.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, v *view, code int, policy cachePolicy) {
	name := "page.html"
	if v.Embed {
		name = "embed.html"
	}
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, name, v); err != nil {
		h.log.Error("track: render", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Language", v.Lang)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	frame := "'none'"
	if v.Embed {
		frame = "*" // the widget is meant to sit on the seller's site
	} else {
		hd.Set("X-Frame-Options", "DENY")
	}
	hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors "+frame)
	hd.Set("Vary", "Accept-Language, Cookie")
	switch policy {
	case cacheNone:
		hd.Set("Cache-Control", "private, no-store")
	case cachePublic:
		hd.Set("Cache-Control", "public, max-age=300")
	case cacheETag:
		sum := sha256.Sum256(buf.Bytes())
		etag := `W/"` + hex.EncodeToString(sum[:12]) + `"`
		hd.Set("Cache-Control", "public, max-age=60")
		hd.Set("ETag", etag)
		if code == http.StatusOK && etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == etag || t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// fail answers a store error: an unknown shop is 404, anything else 500
// with the detail logged, not shown.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, sh shop, embed bool, err error) {
	lang := ui.Negotiate(r)
	v := h.baseView(r, sh, lang, embed)
	if errors.Is(err, store.ErrNotFound) {
		v.Error = v.L["err_no_shop"]
		h.render(w, r, v, http.StatusNotFound, cacheNone)
		return
	}
	h.log.Error("track: request failed", "path", r.URL.Path, "err", err)
	v.Error = v.L["err_internal"]
	h.render(w, r, v, http.StatusInternalServerError, cacheNone)
}
