package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/status"
	"github.com/waypost/waypost/store"
)

var tagTrackings = []string{"Trackings"}

type createTrackingInput struct {
	IdempotencyHeader
	Body CreateTrackingBody
}

type trackingOutput struct {
	ReplayHeader
	Status int `json:"status"`
	Body   TrackingDetail
}

type idInput struct {
	ID int64 `path:"id" minimum:"1" doc:"Tracking id"`
}

type detailOutput struct {
	Body TrackingDetail
}

type listInput struct {
	Status         string    `query:"status" enum:"pending,info_received,in_transit,out_for_delivery,attempt_fail,available_for_pickup,delivered,exception,expired" doc:"Only this main status"`
	Carrier        string    `query:"carrier" maxLength:"64" doc:"Only trackings with a leg of this carrier"`
	Origin         string    `query:"origin_country" pattern:"^[A-Za-z]{2}$"`
	Destination    string    `query:"destination_country" pattern:"^[A-Za-z]{2}$"`
	Reference      string    `query:"reference" maxLength:"128" doc:"Exact reference"`
	TrackingNumber string    `query:"tracking_number" maxLength:"64" doc:"Exact tracking number of any leg"`
	Email          string    `query:"email" maxLength:"254" doc:"Exact customer email"`
	CreatedFrom    time.Time `query:"created_from" doc:"Created at or after (RFC 3339)"`
	CreatedTo      time.Time `query:"created_to" doc:"Created before (RFC 3339)"`
	Limit          int       `query:"limit" minimum:"1" maximum:"100" default:"50"`
	Cursor         string    `query:"cursor" maxLength:"200" doc:"next_cursor of the previous page"`
}

// TrackingList is one page of trackings, newest first.
type TrackingList struct {
	Trackings  []Tracking `json:"trackings"`
	NextCursor string     `json:"next_cursor,omitempty" doc:"Absent on the last page. Pages stay consistent while trackings are added: new ones appear only on a new first page."`
}

type listOutput struct {
	Body TrackingList
}

type patchInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body PatchTrackingBody
}

// PatchTrackingBody changes a tracking's details; absent fields keep
// their value, an empty string clears one.
type PatchTrackingBody struct {
	Reference          *string        `json:"reference,omitempty" maxLength:"128"`
	Customer           *CustomerInput `json:"customer,omitempty" doc:"Replaces the customer as a whole"`
	OriginCountry      *string        `json:"origin_country,omitempty" pattern:"^([A-Za-z]{2})?$"`
	DestinationCountry *string        `json:"destination_country,omitempty" pattern:"^([A-Za-z]{2})?$"`
	PromisedDate       *string        `json:"promised_date,omitempty" pattern:"^(\\d{4}-\\d{2}-\\d{2})?$" doc:"YYYY-MM-DD, or empty to clear"`
	OrderedAt          *time.Time     `json:"ordered_at,omitempty"`
	Service            *string        `json:"service,omitempty" maxLength:"100"`
}

func (a *API) registerTrackings() {
	var auth Auth
	op := func(id, method, path, summary string, scope string, errs ...int) huma.Operation {
		o := huma.Operation{OperationID: id, Method: method, Path: Base + path, Summary: summary, Tags: tagTrackings,
			Errors: errs, MaxBodyBytes: MaxBody}
		auth.Require(&o, scope)
		return o
	}

	create := op("create-tracking", http.MethodPost, "/trackings", "Create a tracking", store.ScopeWrite, 409, 413, 422)
	create.DefaultStatus = http.StatusCreated
	create.Description = "Creates a shipment with its first leg. Without carrier, the carrier is detected from the number; " +
		"an ambiguous number is refused with carrier_ambiguous and the candidates. Needs scope write."
	huma.Register(a.huma, create, func(ctx context.Context, in *createTrackingInput) (*trackingOutput, error) {
		return idempotent(ctx, a, in.IdempotencyKey, "create-tracking", in.Body, func() (*trackingOutput, error) {
			d, err := a.createOne(ctx, &in.Body)
			if err != nil {
				return nil, err
			}
			return &trackingOutput{Status: http.StatusCreated, Body: d}, nil
		})
	})

	huma.Register(a.huma, op("list-trackings", http.MethodGet, "/trackings", "List trackings", store.ScopeRead, 422),
		func(ctx context.Context, in *listInput) (*listOutput, error) { return a.list(ctx, in) })

	huma.Register(a.huma, op("get-tracking", http.MethodGet, "/trackings/{id}", "Get a tracking with its legs and events", store.ScopeRead, 404),
		func(ctx context.Context, in *idInput) (*detailOutput, error) {
			d, err := a.detail(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &detailOutput{d}, nil
		})

	huma.Register(a.huma, op("get-shipment", http.MethodGet, "/shipments/{id}", "Get a shipment with its parcels and merged events", store.ScopeRead, 404),
		func(ctx context.Context, in *idInput) (*detailOutput, error) {
			d, err := a.detail(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &detailOutput{d}, nil
		})

	type byNumberInput struct {
		Number string `path:"number" maxLength:"200"`
	}
	huma.Register(a.huma, op("get-trackings-by-number", http.MethodGet, "/trackings/by-number/{number}", "Find trackings by tracking number", store.ScopeRead, 404),
		func(ctx context.Context, in *byNumberInput) (*listOutput, error) {
			list, err := a.st.FindShipmentsByTrackingNumber(ctx, TenantID(ctx), normalizeLookup(in.Number))
			if err != nil {
				return nil, a.storeErr(ctx, err, "tracking")
			}
			out := &listOutput{Body: TrackingList{Trackings: make([]Tracking, 0, len(list))}}
			for _, sh := range list {
				ps, err := a.st.ListParcels(ctx, TenantID(ctx), sh.ID)
				if err != nil {
					return nil, a.storeErr(ctx, err, "tracking")
				}
				out.Body.Trackings = append(out.Body.Trackings, toTracking(sh, ps))
			}
			return out, nil
		})

	type byRefInput struct {
		Reference string `path:"reference" maxLength:"128"`
	}
	huma.Register(a.huma, op("get-tracking-by-reference", http.MethodGet, "/trackings/by-reference/{reference}", "Get a tracking by reference", store.ScopeRead, 404),
		func(ctx context.Context, in *byRefInput) (*detailOutput, error) {
			sh, err := a.st.FindShipmentByReference(ctx, TenantID(ctx), in.Reference)
			if err != nil {
				return nil, a.storeErr(ctx, err, "tracking")
			}
			d, err := a.detailOf(ctx, sh)
			if err != nil {
				return nil, err
			}
			return &detailOutput{d}, nil
		})

	huma.Register(a.huma, op("update-tracking", http.MethodPatch, "/trackings/{id}", "Change a tracking's details", store.ScopeWrite, 404, 409, 413, 422),
		func(ctx context.Context, in *patchInput) (*detailOutput, error) { return a.patch(ctx, in) })

	del := op("delete-tracking", http.MethodDelete, "/trackings/{id}", "Delete a tracking with its legs and events", store.ScopeWrite, 404)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(a.huma, del, func(ctx context.Context, in *idInput) (*struct{}, error) {
		if err := a.st.DeleteShipment(ctx, TenantID(ctx), in.ID); err != nil {
			return nil, a.storeErr(ctx, err, "tracking")
		}
		return nil, nil
	})
}

// normalizeLookup reads a number the way it is stored: upper case,
// without spaces.
func normalizeLookup(n string) string {
	return strings.ToUpper(strings.Join(strings.Fields(n), ""))
}

// createOne creates one tracking from a validated body.
func (a *API) createOne(ctx context.Context, b *CreateTrackingBody) (TrackingDetail, error) {
	nt, warns, e := buildShipment(b, "body")
	if e != nil {
		return TrackingDetail{}, e
	}
	items := []store.NewTracking{nt}
	errs, err := a.creator.CreateTrackings(ctx, TenantID(ctx), items)
	if err != nil {
		return TrackingDetail{}, a.internal(ctx, "creating the tracking", err)
	}
	if errs[0] != nil {
		return TrackingDetail{}, itemError(errs[0], nt)
	}
	d := TrackingDetail{Tracking: toTracking(items[0].Shipment, []shipment.Parcel{items[0].Parcel}), Events: []Event{}}
	d.Warnings = warns
	return d, nil
}

// itemError explains why one tracking was not created.
func itemError(err error, nt store.NewTracking) *Error {
	var inv *shipment.InvalidError
	switch {
	case errors.As(err, &inv):
		return NewError(http.StatusUnprocessableEntity, CodeValidation, inv.Error(), Detail{Location: "body." + inv.Field, Message: inv.Reason})
	case errors.Is(err, store.ErrConflict) && strings.Contains(err.Error(), "reference"):
		return NewError(http.StatusConflict, CodeReferenceTaken, "another tracking has the reference "+nt.Shipment.Reference)
	case errors.Is(err, store.ErrConflict):
		return NewError(http.StatusConflict, CodeTrackingExists, "a tracking of "+nt.Parcel.Carrier+" "+nt.Parcel.TrackingNumber+" already exists")
	}
	return NewError(http.StatusInternalServerError, CodeInternal, "the tracking could not be created")
}

func (a *API) detail(ctx context.Context, id int64) (TrackingDetail, error) {
	sh, ps, evs, err := a.reader.GetTracking(ctx, TenantID(ctx), id)
	if err != nil {
		return TrackingDetail{}, a.storeErr(ctx, err, "tracking")
	}
	return toDetail(sh, ps, evs), nil
}

// detailOf is the answer about sh, read again with its legs and events.
func (a *API) detailOf(ctx context.Context, sh shipment.Shipment) (TrackingDetail, error) {
	return a.detail(ctx, sh.ID)
}

func (a *API) list(ctx context.Context, in *listInput) (*listOutput, error) {
	q := store.ListQuery{Status: status.Status(in.Status), Carrier: strings.ToLower(in.Carrier), Limit: in.Limit, Cursor: in.Cursor,
		OriginCountry: in.Origin, DestinationCountry: in.Destination, CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo}
	var search []string
	for _, v := range []string{in.Reference, normalizeLookup(in.TrackingNumber), in.Email} {
		if v != "" {
			search = append(search, v)
		}
	}
	if len(search) > 1 {
		return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "give at most one of reference, tracking_number and email")
	}
	if len(search) == 1 {
		q.Search = search[0]
	}
	page, err := a.st.ListShipments(ctx, TenantID(ctx), q)
	if err != nil {
		var inv *shipment.InvalidError
		if errors.As(err, &inv) {
			return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, inv.Error(), Detail{Location: "query." + inv.Field, Message: inv.Reason})
		}
		return nil, a.internal(ctx, "listing trackings", err)
	}
	out := &listOutput{Body: TrackingList{Trackings: make([]Tracking, 0, len(page.Shipments)), NextCursor: page.Next}}
	for _, sh := range page.Shipments {
		ps, err := a.st.ListParcels(ctx, TenantID(ctx), sh.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) { // deleted meanwhile: shown without legs
			return nil, a.internal(ctx, "listing trackings", err)
		}
		out.Body.Trackings = append(out.Body.Trackings, toTracking(sh, ps))
	}
	return out, nil
}

func (a *API) patch(ctx context.Context, in *patchInput) (*detailOutput, error) {
	tenant := TenantID(ctx)
	sh, err := a.st.GetShipment(ctx, tenant, in.ID)
	if err != nil {
		return nil, a.storeErr(ctx, err, "tracking")
	}
	b := in.Body
	if b.Reference != nil {
		sh.Reference = strings.TrimSpace(*b.Reference)
	}
	if b.OriginCountry != nil {
		sh.OriginCountry = strings.ToUpper(*b.OriginCountry)
	}
	if b.DestinationCountry != nil {
		sh.DestinationCountry = strings.ToUpper(*b.DestinationCountry)
	}
	if b.Service != nil {
		sh.Service = strings.TrimSpace(*b.Service)
	}
	if b.OrderedAt != nil {
		sh.OrderedAt = b.OrderedAt.UTC()
	}
	if b.PromisedDate != nil {
		sh.PromisedDate = time.Time{}
		if *b.PromisedDate != "" {
			d, err := time.Parse(time.DateOnly, *b.PromisedDate)
			if err != nil {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "promised_date is not a date",
					Detail{Location: "body.promised_date", Message: "want YYYY-MM-DD", Value: *b.PromisedDate})
			}
			sh.PromisedDate = d
		}
	}
	var warns []Warning
	if b.Customer != nil {
		c, w, e := buildContact(b.Customer, sh.DestinationCountry, "body.customer")
		if e != nil {
			return nil, e
		}
		sh.Customer, warns = c, w
	}
	if err := a.st.UpdateShipment(ctx, tenant, &sh); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, NewError(http.StatusConflict, CodeReferenceTaken, "another tracking has the reference "+sh.Reference)
		}
		return nil, a.storeErr(ctx, err, "tracking")
	}
	d, err := a.detailOf(ctx, sh)
	if err != nil {
		return nil, err
	}
	d.Warnings = warns
	return &detailOutput{d}, nil
}
