package track

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/web/ui"
)

// formShipment checks a form's token and returns its shipment. needVerified
// refuses tokens issued to unverified views.
func (h *Handler) formShipment(ctx context.Context, tok string, needVerified bool) (shipment.Shipment, bool) {
	g, ok := h.verify(tok)
	if !ok || (g.purpose != "f" && g.purpose != "fv") || (needVerified && g.purpose != "fv") {
		return shipment.Shipment{}, false
	}
	s, err := h.cfg.Store.GetShipment(ctx, g.tenant, g.shipment)
	if err != nil {
		return shipment.Shipment{}, false
	}
	return s, true
}

// back redirects to the shipment's page with a notice key.
func (h *Handler) back(w http.ResponseWriter, r *http.Request, s shipment.Shipment, verified bool, done string) {
	b, err := h.pages.GetBranding(r.Context(), s.TenantID)
	if err != nil {
		h.fail(w, r, shop{}, false, err)
		return
	}
	v := &view{shop: shop{b, "/track/" + url.PathEscape(b.Slug)}, Lang: ui.Negotiate(r), Embed: r.PostFormValue("embed") == "1"}
	if h.cfg.DefaultTenantID == s.TenantID {
		v.shop.path = "/track"
	}
	v.setShop()
	q := url.Values{"done": {done}}
	if verified && s.Reference != "" {
		q.Set("order", s.Reference)
	} else {
		q.Set("n", r.PostFormValue("n"))
	}
	http.Redirect(w, r, v.pageURL(q), http.StatusSeeOther)
}

// subscribe signs the buyer up for e-mail updates.
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, http.StatusBadRequest, "bad_form")
		return
	}
	if h.cfg.Subscriber == nil {
		h.formError(w, r, http.StatusNotFound, "subscriptions_off")
		return
	}
	s, ok := h.formShipment(r.Context(), r.PostFormValue("t"), false)
	if !ok {
		h.formError(w, r, http.StatusForbidden, "bad_token")
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		h.formError(w, r, http.StatusUnprocessableEntity, "bad_email")
		return
	}
	if !h.allow(w, r, h.baseView(r, shop{}, ui.Negotiate(r), false), 1) {
		return
	}
	if err := h.cfg.Subscriber.Subscribe(r.Context(), s.TenantID, s.ID, email, ui.Negotiate(r)); err != nil {
		// The address is personal data: the log names the shipment only.
		h.log.Error("track: subscribe failed", "tenant", s.TenantID, "shipment", s.ID, "err", err)
		h.formError(w, r, http.StatusInternalServerError, "internal")
		return
	}
	h.back(w, r, s, h.verified(r, s.TenantID, s.ID), "subscribed")
}

// photoTypes are the accepted photo types by their sniffed content type.
var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true}

// report stores a buyer's confirmation or problem report with photos and
// opens a case for problems.
func (h *Handler) report(w http.ResponseWriter, r *http.Request) {
	const maxBody = store.MaxReportPhotos*store.MaxReportPhotoBytes + 64<<10
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.formError(w, r, http.StatusRequestEntityTooLarge, "too_large")
			return
		}
		h.formError(w, r, http.StatusBadRequest, "bad_form")
		return
	}
	defer r.MultipartForm.RemoveAll()
	s, ok := h.formShipment(r.Context(), r.FormValue("t"), true)
	if !ok {
		h.formError(w, r, http.StatusForbidden, "bad_token")
		return
	}
	rep := store.BuyerReport{ShipmentID: s.ID, Kind: r.FormValue("kind"), Message: r.FormValue("message"), Key: r.FormValue("key")}
	files := r.MultipartForm.File["photos"]
	if len(files) > store.MaxReportPhotos {
		h.formError(w, r, http.StatusUnprocessableEntity, "too_many_photos")
		return
	}
	for _, fh := range files {
		if fh.Size > store.MaxReportPhotoBytes {
			h.formError(w, r, http.StatusRequestEntityTooLarge, "too_large")
			return
		}
		f, err := fh.Open()
		if err != nil {
			h.formError(w, r, http.StatusBadRequest, "bad_form")
			return
		}
		data, err := io.ReadAll(io.LimitReader(f, store.MaxReportPhotoBytes+1))
		f.Close()
		if err != nil || len(data) == 0 {
			h.formError(w, r, http.StatusBadRequest, "bad_form")
			return
		}
		// The declared type is the sender's claim; the bytes decide.
		ct := http.DetectContentType(data)
		if !photoTypes[ct] {
			h.formError(w, r, http.StatusUnsupportedMediaType, "bad_photo")
			return
		}
		rep.Photos = append(rep.Photos, store.ReportPhoto{Name: fh.Filename, ContentType: ct, Data: data})
	}
	dup, err := h.pages.CreateBuyerReport(r.Context(), s.TenantID, &rep)
	if errors.Is(err, store.ErrInvalid) {
		h.formError(w, r, http.StatusUnprocessableEntity, "bad_report")
		return
	}
	if err != nil {
		h.log.Error("track: report not stored", "tenant", s.TenantID, "shipment", s.ID, "err", err)
		h.formError(w, r, http.StatusInternalServerError, "internal")
		return
	}
	if !dup {
		h.counts.add(s.TenantID, h.now(), func(p *store.PageCounts) { p.Reports++ })
		if h.cfg.Reporter != nil && rep.Kind != store.ReportReceived {
			// The report is stored already; a failing case service is
			// logged and the case can be opened from the stored report.
			if id, err := h.cfg.Reporter.OpenCase(r.Context(), s.TenantID, rep); err != nil {
				h.log.Error("track: case not opened", "tenant", s.TenantID, "report", rep.ID, "err", err)
			} else if err := h.pages.SetBuyerReportCase(r.Context(), s.TenantID, rep.ID, id); err != nil {
				h.log.Error("track: case not linked to report", "report", rep.ID, "case", id, "err", err)
			}
		}
	}
	h.back(w, r, s, true, "reported")
}

// formError answers a failed form post with a short page in the buyer's
// language; code names the reason and is stable for scripts and tests.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, status int, code string) {
	v := h.baseView(r, shop{}, ui.Negotiate(r), false)
	msg := v.L["form_"+code]
	if msg == "" {
		msg = v.L["err_internal"]
	}
	v.Error = msg
	w.Header().Set("X-Waypost-Error", code)
	h.render(w, r, v, status, cacheNone)
}

// embed serves the compact page for the seller's iframe.
func (h *Handler) embed(w http.ResponseWriter, r *http.Request) { h.serve(w, r, true) }

// widget serves the script a seller pastes into their site:
//
//	<script src="https://waypost.example/track/widget.js" data-shop="my-shop" async></script>
//
// It inserts the iframe after itself and follows its height.
func (h *Handler) widget(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	fmt.Fprint(w, widgetJS)
}

const widgetJS = `(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) return;
  var base = new URL(me.src).origin;
  var q = new URLSearchParams();
  if (me.dataset.shop) q.set("shop", me.dataset.shop);
  if (me.dataset.lang) q.set("lang", me.dataset.lang);
  var n = new URLSearchParams(location.search).get(me.dataset.param || "tracking");
  if (n) q.set("n", n);
  var f = document.createElement("iframe");
  f.src = base + "/track/embed?" + q.toString();
  f.title = me.dataset.title || "Parcel tracking";
  f.loading = "lazy";
  f.style.cssText = "width:100%;border:0;min-height:320px";
  me.parentNode.insertBefore(f, me.nextSibling);
  window.addEventListener("message", function (e) {
    if (e.origin === base && e.source === f.contentWindow && e.data && e.data.waypostHeight) {
      f.style.height = Math.ceil(e.data.waypostHeight) + "px";
    }
  });
})();
`
