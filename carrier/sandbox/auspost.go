package sandbox

import (
	"net/http"
	"strings"
	"time"

	"github.com/waypost/waypost/status"
)

// Australia Post Shipping and Tracking API, "Track items"
// (developers.auspost.com.au, as recorded by open-source integrations):
// GET /shipping/v1/track?tracking_ids=a,b,… with up to ten ids, HTTP Basic
// (API key and password) and the contract's Account-Number header. The
// answer lists tracking_results per id, each with trackable_items whose
// events (newest first) carry a location ("MELBOURNE VIC"), a description
// and a date — no event code. Dates are ISO 8601 in Australian eastern
// time whatever the event's place (a Perth scan is written in Melbourne's
// offset), so the instant is right but the wall clock is not the place's.
// An id with a problem carries errors[{code, name}] (ESB-10001 "Invalid
// tracking ID"; the not-found code ESB-10002 is constructed, as Australia
// Post documents no separate one); failures of the call are top-level
// errors[{error_code, error_name, message}].

type apCode struct {
	desc string
	want status.Substatus
}

var ausPostCodes = map[Kind]apCode{
	KindInfoReceived:              {"Shipping information received by Australia Post", ""},
	KindAccepted:                  {"Received by Australia Post", ""},
	KindArrivedDestinationCountry: {"Arrived in Australia", ""},
	KindCustomsProcessing:         {"Awaiting clearance", ""},
	KindCustomsHeld:               {"Held by Australian Border Force for inspection", ""},
	KindDutiesDue:                 {"Duties and taxes to be paid by the receiver", ""},
	KindCustomsCleared:            {"Cleared by customs", ""},
	KindArrivedFacility:           {"Arrived at facility", ""},
	KindDepartedFacility:          {"In transit to next facility in %s", ""},
	KindOutForDelivery:            {"Onboard for delivery", ""},
	KindAttemptUnavailable:        {"Unsuccessful delivery - no one home, card left", ""},
	KindAttemptAddress:            {"Unsuccessful delivery - address incorrect or incomplete", ""},
	KindAvailableForPickup:        {"Awaiting collection at Post Office", ""},
	KindPickedUp:                  {"Collected by customer from Post Office", ""},
	KindDelivered:                 {"Delivered - Left in a safe place", ""},
	KindDeliveredSigned:           {"Delivered - Signature obtained", ""},
	KindDeliveredNeighbour:        {"Delivered to neighbour", ""},
	KindDeliveredLocker:           {"Delivered to Parcel Locker", ""},
	KindDamaged:                   {"Article damaged", ""},
	KindReturning:                 {"Return to sender - not collected", ""},
	KindReturned:                  {"Returned to sender", ""},
}

// ausPostItemStatus is the enumerated status of an article whose newest
// event is k.
func ausPostItemStatus(k Kind) string {
	switch k.Substatus().Status() {
	case status.Delivered:
		return "Delivered"
	case status.OutForDelivery:
		return "On Board for Delivery"
	case status.AttemptFail:
		return "Unsuccessful Delivery"
	case status.AvailableForPickup:
		return "Awaiting collection"
	case status.Exception:
		if k == KindDamaged {
			return "Article damaged"
		}
		return "Held by courier"
	}
	return "In transit"
}

// ausPostMaxBatch is the most ids one call takes.
const ausPostMaxBatch = 10

// ausPostClock is the zone Australia Post writes every date in.
func ausPostClock() *time.Location { return Place{Zone: "Australia/Melbourne"}.Location() }

func ausPostDialect() *dialect {
	return &dialect{
		slug: "australia-post",
		authorize: func(h *host, r *http.Request) bool {
			return basicOK(r, Username, Password) && r.Header.Get("Account-Number") == Account
		},
		errorReply: ausPostError,
		expect:     func(k Kind) status.Substatus { return ausPostCodes[k].want },
		routes: func(h *host) {
			h.handle("GET /shipping/v1/track", opTrack, func(r *http.Request) reply { return ausPostTrack(h, r) })
		},
	}
}

func ausPostError(code int, c, msg string) reply {
	name := http.StatusText(code)
	switch code {
	case http.StatusUnauthorized:
		c, msg = "API_001", "The credentials supplied are not valid"
	case http.StatusTooManyRequests:
		c, msg = "API_002", "Rate limit exceeded, too many requests"
	case http.StatusServiceUnavailable, http.StatusInternalServerError:
		c, msg = "API_003", "The service is temporarily unavailable"
	}
	return jsonReply(code, map[string]any{"errors": []map[string]string{{"error_code": c, "error_name": name, "message": msg}}})
}

func ausPostTrack(h *host, r *http.Request) reply {
	raw := strings.TrimSpace(r.URL.Query().Get("tracking_ids"))
	if raw == "" {
		return ausPostError(http.StatusBadRequest, "400", "tracking_ids is required")
	}
	ids := strings.Split(raw, ",")
	if len(ids) > ausPostMaxBatch {
		return ausPostError(http.StatusBadRequest, "400", "tracking_ids may hold at most 10 ids")
	}
	results := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if len(id) < 10 || len(id) > 40 {
			results = append(results, map[string]any{"tracking_id": id,
				"errors": []map[string]string{{"code": "ESB-10001", "name": "Invalid tracking ID"}}})
			continue
		}
		j, leg, steps, ok := h.lookup(id)
		if !ok {
			results = append(results, map[string]any{"tracking_id": id,
				"errors": []map[string]string{{"code": "ESB-10002", "name": "Tracking ID not found"}}})
			continue
		}
		events := make([]map[string]string, 0, len(steps))
		for i := len(steps) - 1; i >= 0; i-- {
			s := steps[i]
			c, ok := ausPostCodes[s.Kind]
			if !ok {
				c = apCode{desc: s.Kind.Text()}
			}
			where := ausPostLocation(s.Place)
			desc := strings.Replace(c.desc, "%s", where, 1)
			e := map[string]string{"description": desc, "date": s.At.In(ausPostClock()).Format("2006-01-02T15:04:05-07:00")}
			if s.Kind != KindInfoReceived && s.Kind != KindDepartedFacility {
				e["location"] = where
			}
			events = append(events, e)
		}
		st := ausPostItemStatus(steps[len(steps)-1].Kind)
		results = append(results, map[string]any{
			"tracking_id": id, "status": st,
			"trackable_items": []map[string]any{{
				"article_id": j.Legs[leg].Number, "product_type": "International Parcels", "events": events, "status": st,
			}},
		})
	}
	return jsonReply(http.StatusOK, map[string]any{"tracking_results": results})
}

// ausPostLocation writes a place as Australia Post does: "MELBOURNE VIC"
// at home, "SHENZHEN (CN)" abroad.
func ausPostLocation(p Place) string {
	if p.Country != "AU" {
		return strings.ToUpper(p.City) + " (" + p.Country + ")"
	}
	return strings.ToUpper(p.City) + " " + p.State
}
