package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// MaxBulk is the most trackings one bulk call creates.
const MaxBulk = 1000

// BulkCreateBody creates many trackings at once.
type BulkCreateBody struct {
	Trackings []CreateTrackingBody `json:"trackings" minItems:"1" maxItems:"1000"`
}

// BulkResult is the outcome of each item, in the order given.
type BulkResult struct {
	Created int        `json:"created"`
	Failed  int        `json:"failed"`
	Results []BulkItem `json:"results"`
}

// BulkItem is one item's outcome: a tracking, or an error.
type BulkItem struct {
	Index    int        `json:"index"`
	Tracking *Tracking  `json:"tracking,omitempty"`
	Error    *ErrorBody `json:"error,omitempty"`
}

type bulkInput struct {
	IdempotencyHeader
	Body BulkCreateBody
}

type bulkOutput struct {
	ReplayHeader
	Body BulkResult
}

func (a *API) registerBulk() {
	op := huma.Operation{OperationID: "bulk-create-trackings", Method: http.MethodPost, Path: Base + "/trackings/bulk",
		Summary: "Create up to 1,000 trackings", Tags: tagTrackings, Errors: []int{413, 422}, MaxBodyBytes: MaxBulkBody,
		Description: "Each item is validated and created on its own; the answer lists each item's tracking or error. " +
			"Items are stored in one transaction. Needs scope write."}
	Auth{}.Require(&op, store.ScopeWrite)
	huma.Register(a.huma, op, func(ctx context.Context, in *bulkInput) (*bulkOutput, error) {
		return idempotent(ctx, a, in.IdempotencyKey, "bulk-create-trackings", in.Body, func() (*bulkOutput, error) {
			return a.bulk(ctx, in.Body.Trackings)
		})
	})
}

func (a *API) bulk(ctx context.Context, in []CreateTrackingBody) (*bulkOutput, error) {
	out := &bulkOutput{Body: BulkResult{Results: make([]BulkItem, len(in))}}
	items := make([]store.NewTracking, 0, len(in))
	index := make([]int, 0, len(in)) // items[k] is in[index[k]]
	warns := make([][]Warning, len(in))
	for i := range in {
		out.Body.Results[i].Index = i
		nt, w, e := buildShipment(&in[i], "body.trackings["+itoa(i)+"]")
		if e != nil {
			out.Body.Results[i].Error = &e.Body
			continue
		}
		warns[i] = w
		items = append(items, nt)
		index = append(index, i)
	}
	if len(items) > 0 {
		errs, err := a.creator.CreateTrackings(ctx, TenantID(ctx), items)
		if err != nil {
			return nil, a.internal(ctx, "creating trackings", err)
		}
		for k, err := range errs {
			i := index[k]
			if err != nil {
				e := itemError(err, items[k])
				out.Body.Results[i].Error = &e.Body
				continue
			}
			t := toTracking(items[k].Shipment, []shipment.Parcel{items[k].Parcel})
			t.Warnings = warns[i]
			out.Body.Results[i].Tracking = &t
		}
	}
	for _, r := range out.Body.Results {
		if r.Error != nil {
			out.Body.Failed++
		} else {
			out.Body.Created++
		}
	}
	return out, nil
}
