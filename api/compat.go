package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

// The AfterShip-compatible subset lets a client written for AfterShip's
// Tracking API create and read trackings here by changing its base URL
// (to /compat/aftership) and key. Shapes follow AfterShip's documented
// envelope {"meta":{"code","message","type"},"data":{"tracking":{...}}},
// tags and subtags come from the status package's AfterShip mapping, and
// countries are ISO 3166-1 alpha-3 as AfterShip uses them.
const compatBase = "/compat/aftership"

// AfterShip meta codes used here. SOURCE: AfterShip Tracking API error
// codes (the official tracking-sdk-go lists them): 4003 tracking already
// exists, 4004 tracking does not exist, 4005 invalid tracking number,
// 4012 courier cannot be detected; HTTP-like codes otherwise.
const (
	asExists        = 4003
	asNotFound      = 4004
	asInvalidNumber = 4005
	asBadCourier    = 4012
)

func (a *API) mountCompat() {
	a.mux.HandleFunc("POST "+compatBase+"/trackings", a.compat(store.ScopeWrite, a.asCreate))
	a.mux.HandleFunc("GET "+compatBase+"/trackings/{slug}/{number}", a.compat(store.ScopeRead, a.asGetByNumber))
	a.mux.HandleFunc("GET "+compatBase+"/trackings/{id}", a.compat(store.ScopeRead, a.asGetByID))
	a.mux.HandleFunc(compatBase+"/", func(w http.ResponseWriter, r *http.Request) {
		asWrite(w, http.StatusNotFound, asMeta{Code: 404, Message: "The URI requested is invalid or the resource requested does not exist.", Type: "NotFound"}, nil)
	})
}

type asMeta struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Type    string `json:"type"`
}

func asWrite(w http.ResponseWriter, httpStatus int, meta asMeta, data any) {
	if data == nil {
		data = struct{}{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(struct {
		Meta asMeta `json:"meta"`
		Data any    `json:"data"`
	}{meta, data})
}

type asHandler func(ctx context.Context, r *http.Request) (int, asMeta, any)

// compat authenticates (as-api-key, or the API's own headers), checks the
// scope and rate limit, and writes the handler's answer in AfterShip's
// envelope.
func (a *API) compat(scope string, h asHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		k, e := a.authenticate(r.Context(), keyFromHeaders(r.Header.Get, "as-api-key", "aftership-api-key", "Waypost-Api-Key"))
		if e != nil {
			code := e.status
			asWrite(w, code, asMeta{Code: code, Message: e.Body.Message, Type: strings.ReplaceAll(http.StatusText(code), " ", "")}, nil)
			return
		}
		if scopeRank[k.Scope] < scopeRank[scope] {
			asWrite(w, http.StatusForbidden, asMeta{Code: 403, Message: "The key needs scope " + scope + ".", Type: "Forbidden"}, nil)
			return
		}
		if a.limits != nil {
			hdr, retry, ok := a.limits.allow(k.ID, time.Now())
			for h, v := range hdr {
				w.Header().Set(h, v)
			}
			if !ok {
				w.Header().Set("Retry-After", strconv.Itoa(retry))
				asWrite(w, http.StatusTooManyRequests, asMeta{Code: 429, Message: "You have exceeded the API call rate limit.", Type: "TooManyRequests"}, nil)
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		st, meta, data := h(context.WithValue(r.Context(), ctxKey{}, k), r)
		asWrite(w, st, meta, data)
	}
}

// asCreateBody accepts both AfterShip request shapes: the tracking wrapped
// in {"tracking": ...} (older versions) and the tracking itself.
type asCreateBody struct {
	Tracking *asTrackingIn `json:"tracking"`
	asTrackingIn
}

type asTrackingIn struct {
	TrackingNumber string   `json:"tracking_number"`
	Slug           any      `json:"slug"` // a slug, or a list of slugs to choose from
	Title          string   `json:"title"`
	OrderID        string   `json:"order_id"`
	OrderNumber    string   `json:"order_number"`
	CustomerName   string   `json:"customer_name"`
	Emails         []string `json:"emails"`
	Smses          []string `json:"smses"`
	Language       string   `json:"language"`
	OriginISO3     string   `json:"origin_country_iso3"`
	DestISO3       string   `json:"destination_country_iso3"`
	OriginRegion   string   `json:"origin_country_region"`
	DestRegion     string   `json:"destination_country_region"`
	PromisedDate   string   `json:"order_promised_delivery_date"`
	ShipmentType   string   `json:"shipment_type"`
}

func badRequest(msg string) (int, asMeta, any) {
	return http.StatusBadRequest, asMeta{Code: 400, Message: msg, Type: "BadRequest"}, nil
}

func (a *API) asCreate(ctx context.Context, r *http.Request) (int, asMeta, any) {
	raw, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, asMeta{Code: 413, Message: "The request body is too large.", Type: "RequestEntityTooLarge"}, nil
	}
	var body asCreateBody
	if err != nil || json.Unmarshal(raw, &body) != nil {
		return badRequest("Invalid JSON data.")
	}
	in := body.asTrackingIn
	if body.Tracking != nil {
		in = *body.Tracking
	}
	slug := ""
	switch v := in.Slug.(type) {
	case string:
		slug = v
	case []any:
		if len(v) == 1 {
			slug, _ = v[0].(string)
		}
	}
	b := CreateTrackingBody{TrackingNumber: in.TrackingNumber, Carrier: slug, Reference: firstNonEmpty(in.OrderID, in.OrderNumber),
		OriginCountry: alpha2(firstNonEmpty(in.OriginISO3, in.OriginRegion)), DestinationCountry: alpha2(firstNonEmpty(in.DestISO3, in.DestRegion)),
		PromisedDate: in.PromisedDate, Service: in.ShipmentType}
	if in.CustomerName != "" || len(in.Emails) > 0 || len(in.Smses) > 0 || in.Language != "" {
		c := &CustomerInput{Name: in.CustomerName, Language: in.Language}
		if len(in.Emails) > 0 {
			c.Email = in.Emails[0]
		}
		if len(in.Smses) > 0 {
			c.Phone = in.Smses[0]
		}
		b.Customer = c
	}
	if strings.TrimSpace(b.TrackingNumber) == "" {
		return http.StatusBadRequest, asMeta{Code: asInvalidNumber, Message: "The value of `tracking_number` is invalid.", Type: "BadRequest"}, nil
	}
	d, err := a.createOne(ctx, &b)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return http.StatusInternalServerError, asMeta{Code: 500, Message: "Something went wrong on AfterShip's end.", Type: "InternalError"}, nil
		}
		switch e.Body.Code {
		case CodeTrackingExists:
			return http.StatusBadRequest, asMeta{Code: asExists, Message: "Tracking already exists.", Type: "BadRequest"}, nil
		case CodeCarrierAmbiguous, CodeCarrierUnknown:
			return http.StatusBadRequest, asMeta{Code: asBadCourier, Message: "The value of `slug` is invalid or the courier cannot be detected.", Type: "BadRequest"}, nil
		case CodeNumberInvalid:
			return http.StatusBadRequest, asMeta{Code: asInvalidNumber, Message: "The value of `tracking_number` is invalid.", Type: "BadRequest"}, nil
		case CodeInternal:
			return http.StatusInternalServerError, asMeta{Code: 500, Message: e.Body.Message, Type: "InternalError"}, nil
		}
		return badRequest(e.Body.Message)
	}
	return http.StatusCreated, asMeta{Code: 201, Message: "Created", Type: "Created"}, map[string]any{"tracking": toAfterShip(d, in.Title)}
}

func (a *API) asGetByNumber(ctx context.Context, r *http.Request) (int, asMeta, any) {
	slug, number := r.PathValue("slug"), normalizeLookup(r.PathValue("number"))
	list, err := a.st.FindShipmentsByTrackingNumber(ctx, TenantID(ctx), number)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.log.ErrorContext(ctx, "api: aftership lookup", "error", err)
		return http.StatusInternalServerError, asMeta{Code: 500, Message: "Internal error.", Type: "InternalError"}, nil
	}
	for _, sh := range list {
		ps, err := a.st.ListParcels(ctx, TenantID(ctx), sh.ID)
		if err != nil {
			continue
		}
		for _, p := range ps {
			if p.TrackingNumber == number && p.Carrier == slug {
				return a.asAnswer(ctx, sh)
			}
		}
	}
	return asNotFoundAnswer()
}

func (a *API) asGetByID(ctx context.Context, r *http.Request) (int, asMeta, any) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return asNotFoundAnswer()
	}
	sh, err := a.st.GetShipment(ctx, TenantID(ctx), id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return asNotFoundAnswer()
		}
		a.log.ErrorContext(ctx, "api: aftership get", "error", err)
		return http.StatusInternalServerError, asMeta{Code: 500, Message: "Internal error.", Type: "InternalError"}, nil
	}
	return a.asAnswer(ctx, sh)
}

func asNotFoundAnswer() (int, asMeta, any) {
	return http.StatusNotFound, asMeta{Code: asNotFound, Message: "Tracking does not exist.", Type: "NotFound"}, nil
}

func (a *API) asAnswer(ctx context.Context, sh shipment.Shipment) (int, asMeta, any) {
	d, err := a.detailOf(ctx, sh)
	if err != nil {
		return asNotFoundAnswer()
	}
	return http.StatusOK, asMeta{Code: 200, Message: "OK", Type: "OK"}, map[string]any{"tracking": toAfterShip(d, "")}
}

// asTracking is AfterShip's Tracking object, the fields Waypost has.
type asTracking struct {
	ID                  string         `json:"id"`
	CreatedAt           string         `json:"created_at"`
	UpdatedAt           string         `json:"updated_at"`
	TrackingNumber      string         `json:"tracking_number"`
	Slug                string         `json:"slug"`
	Active              bool           `json:"active"`
	Tag                 string         `json:"tag"`
	Subtag              string         `json:"subtag"`
	SubtagMessage       string         `json:"subtag_message"`
	Title               string         `json:"title"`
	OrderID             string         `json:"order_id"`
	CustomerName        string         `json:"customer_name"`
	Emails              []string       `json:"emails"`
	Smses               []string       `json:"smses"`
	Language            string         `json:"language"`
	OriginISO3          string         `json:"origin_country_iso3"`
	DestinationISO3     string         `json:"destination_country_iso3"`
	OrderPromisedDate   string         `json:"order_promised_delivery_date"`
	ShipmentType        string         `json:"shipment_type"`
	CourierTrackingLink string         `json:"courier_tracking_link"`
	Checkpoints         []asCheckpoint `json:"checkpoints"`
}

type asCheckpoint struct {
	Slug           string `json:"slug"`
	CheckpointTime string `json:"checkpoint_time"`
	Location       string `json:"location"`
	City           string `json:"city"`
	State          string `json:"state"`
	Zip            string `json:"zip"`
	PostalCode     string `json:"postal_code"`
	CountryISO3    string `json:"country_iso3"`
	Message        string `json:"message"`
	Tag            string `json:"tag"`
	Subtag         string `json:"subtag"`
	SubtagMessage  string `json:"subtag_message"`
	RawTag         string `json:"raw_tag"`
}

func toAfterShip(d TrackingDetail, title string) asTracking {
	t := asTracking{ID: strconv.FormatInt(d.ID, 10), CreatedAt: d.CreatedAt.Format(time.RFC3339), UpdatedAt: d.UpdatedAt.Format(time.RFC3339),
		TrackingNumber: d.TrackingNumber, Slug: d.Carrier, Active: d.Active, Title: title, OrderID: d.Reference,
		CustomerName: d.Customer.Name, Emails: []string{}, Smses: []string{}, Language: d.Customer.Language,
		OriginISO3: alpha3(d.OriginCountry), DestinationISO3: alpha3(d.DestinationCountry), OrderPromisedDate: d.PromisedDate,
		ShipmentType: d.Service, CourierTrackingLink: d.TrackingURL, Checkpoints: []asCheckpoint{}}
	if t.Title == "" {
		t.Title = d.TrackingNumber
	}
	if d.Customer.Email != "" {
		t.Emails = append(t.Emails, d.Customer.Email)
	}
	if d.Customer.Phone != "" {
		t.Smses = append(t.Smses, d.Customer.Phone)
	}
	t.Tag, t.Subtag, t.SubtagMessage = asCode(status.Substatus(d.Substatus))
	legSlug := map[int64]string{}
	for _, l := range d.Legs {
		legSlug[l.ID] = l.Carrier
	}
	for _, e := range d.Events {
		cp := asCheckpoint{Slug: legSlug[e.LegID], Message: e.Text, RawTag: e.Code,
			CheckpointTime: e.Time.In(time.FixedZone("", e.UTCOffset)).Format(time.RFC3339)}
		if l := e.Location; l != nil {
			cp.Location, cp.City, cp.State, cp.Zip, cp.PostalCode, cp.CountryISO3 = l.Text, l.City, l.State, l.PostalCode, l.PostalCode, alpha3(l.Country)
		}
		if e.Substatus != "" {
			cp.Tag, cp.Subtag, cp.SubtagMessage = asCode(status.Substatus(e.Substatus))
		}
		t.Checkpoints = append(t.Checkpoints, cp)
	}
	return t
}

func asCode(s status.Substatus) (tag, subtag, msg string) {
	c, ok := s.AfterShip()
	if !ok {
		return "Pending", "Pending_001", "Pending"
	}
	return c.Tag, c.Subtag, status.Describe(s, "en")
}

// alpha3 and alpha2 convert ISO 3166-1 codes through x/text's region
// tables.
func alpha3(a2 string) string {
	if a2 == "" {
		return ""
	}
	r, err := language.ParseRegion(a2)
	if err != nil {
		return ""
	}
	return r.ISO3()
}

func alpha2(code string) string {
	code = strings.TrimSpace(code)
	if code == "" {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return code // left for validation to refuse
	}
	return r.String()
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
