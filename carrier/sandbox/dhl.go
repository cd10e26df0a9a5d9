package sandbox

import (
	"net/http"
	"strings"

	"github.com/waypost/waypost/status"
)

// DHL Shipment Tracking – Unified API (developer.dhl.com, OpenAPI 1.5.x):
// GET /track/shipments?trackingNumber=… with the DHL-API-Key header, one
// number per call. Events are newest first with a coarse statusCode
// (pre-transit, transit, delivered, failure, unknown) and a text; Express
// timestamps carry their offset, Parcel DE timestamps are German local time
// without one. Errors are RFC 7807 problem documents; an unknown number is
// a 404 "No result found".

type dhlCode struct {
	statusCode, status, desc string
	want                     status.Substatus
}

var dhlCodes = map[Kind]dhlCode{
	KindInfoReceived:              {"pre-transit", "SHIPMENT INFORMATION RECEIVED", "Shipment information received", ""},
	KindAccepted:                  {"transit", "PICKED UP", "Shipment picked up", ""},
	KindArrivedFacility:           {"transit", "ARRIVED", "Arrived at DHL Sort Facility", ""},
	KindDepartedFacility:          {"transit", "DEPARTED", "Departed Facility", ""},
	KindExportCustoms:             {"transit", "EXPORT", "Shipment presented to export customs", ""},
	KindDepartedOriginCountry:     {"transit", "DEPARTED", "Shipment has left the country of origin", ""},
	KindArrivedDestinationCountry: {"transit", "ARRIVED", "Arrived in destination country", ""},
	KindCustomsProcessing:         {"transit", "CLEARANCE", "Shipment is being processed for clearance", ""},
	KindCustomsHeld:               {"failure", "CUSTOMS HOLD", "Shipment is on hold at customs", ""},
	KindDutiesDue:                 {"failure", "DUTIES DUE", "Duties and taxes are due; payment required from the receiver", ""},
	KindCustomsCleared:            {"transit", "CLEARED", "Clearance processing complete", ""},
	KindDelayed:                   {"transit", "DELAYED", "Shipment may be delayed: flight rescheduled", ""},
	KindHandedOver:                {"transit", "TRANSFERRED", "Shipment handed over to the delivery partner", ""},
	KindOutForDelivery:            {"transit", "WITH DELIVERY COURIER", "Shipment is out with courier for delivery", ""},
	KindAttemptUnavailable:        {"failure", "DELIVERY ATTEMPTED", "Delivery attempted: recipient not at home", ""},
	KindAttemptAddress:            {"failure", "DELIVERY ATTEMPTED", "Delivery attempted: address incorrect or incomplete", ""},
	KindAvailableForPickup:        {"transit", "READY FOR PICKUP", "The shipment is ready for pick-up at the DHL Service Point", ""},
	KindPickedUp:                  {"delivered", "DELIVERED", "The shipment has been picked up by the recipient at the DHL Service Point", ""},
	KindDelivered:                 {"delivered", "DELIVERED", "Delivered", ""},
	KindDeliveredSigned:           {"delivered", "DELIVERED", "Delivered - Signed for by:", ""},
	KindDeliveredNeighbour:        {"delivered", "DELIVERED", "The shipment has been delivered to a neighbour", ""},
	KindDeliveredLocker:           {"delivered", "DELIVERED", "Delivered to a parcel locker (Packstation)", ""},
	KindDamaged:                   {"failure", "DAMAGED", "The shipment was damaged in transit", ""},
	KindReturning:                 {"transit", "RETURNING", "The shipment is being returned to the sender", ""},
	KindReturned:                  {"failure", "RETURNED", "The shipment has been returned to sender", ""},
}

// dhlCountries are the country names DHL Express writes after a city.
var dhlCountries = map[string]string{
	"CN": "CHINA", "US": "USA", "GB": "UNITED KINGDOM", "CA": "CANADA", "FR": "FRANCE",
	"NL": "NETHERLANDS", "AU": "AUSTRALIA", "DE": "GERMANY",
}

func dhlDialect() *dialect {
	return &dialect{
		slug: "dhl",
		authorize: func(h *host, r *http.Request) bool {
			return r.Header.Get("DHL-API-Key") == APIKey
		},
		errorReply: dhlProblem,
		expect:     func(k Kind) status.Substatus { return dhlCodes[k].want },
		routes: func(h *host) {
			h.handle("GET /track/shipments", opTrack, func(r *http.Request) reply { return dhlTrack(h, r) })
		},
	}
}

func dhlProblem(code int, _, msg string) reply {
	title := http.StatusText(code)
	switch code {
	case http.StatusUnauthorized:
		msg = "Unauthorized for given resource."
	case http.StatusTooManyRequests:
		msg = "Too many requests in a given amount of time."
	}
	rep := jsonReply(code, map[string]any{"type": "about:blank", "title": title, "status": code, "detail": msg})
	rep.header.Set("Content-Type", "application/problem+json")
	return rep
}

func dhlTrack(h *host, r *http.Request) reply {
	number := strings.TrimSpace(r.URL.Query().Get("trackingNumber"))
	if number == "" {
		return dhlProblem(http.StatusBadRequest, "", "trackingNumber is required")
	}
	j, leg, steps, ok := h.lookup(number)
	if !ok {
		rep := dhlProblem(http.StatusNotFound, "", "No shipment with given tracking number found.")
		rep.body = []byte(strings.Replace(string(rep.body), `"title":"Not Found"`, `"title":"No result found"`, 1))
		return rep
	}
	express := j.Route == RouteExpress
	service := "parcel-de"
	if express {
		service = "express"
	}
	events := make([]map[string]any, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		c, ok := dhlCodes[s.Kind]
		if !ok {
			c = dhlCode{statusCode: "transit", desc: s.Kind.Text()}
		}
		desc := c.desc
		if s.Kind == KindDeliveredSigned && s.Detail != "" {
			desc += " " + s.Detail
		}
		local := s.Local()
		ts := local.Format("2006-01-02T15:04:05-07:00")
		locality := strings.ToUpper(s.Place.City) + " - " + dhlCountries[s.Place.Country]
		if !express {
			ts = local.Format("2006-01-02T15:04:05") // Parcel DE: German local time, no offset
			locality = s.Place.City
		}
		events = append(events, map[string]any{
			"timestamp":   ts,
			"location":    map[string]any{"address": map[string]string{"countryCode": s.Place.Country, "postalCode": s.Place.PostalCode, "addressLocality": locality}},
			"statusCode":  c.statusCode,
			"status":      c.status,
			"description": desc,
		})
	}
	l := j.Legs[leg]
	ship := map[string]any{
		"id":      l.Number,
		"service": service,
		"origin":  map[string]any{"address": map[string]string{"countryCode": j.Origin.Country, "addressLocality": strings.ToUpper(j.Origin.City) + " - " + dhlCountries[j.Origin.Country]}},
		"destination": map[string]any{"address": map[string]string{"countryCode": j.Destination.Country, "postalCode": j.Destination.PostalCode,
			"addressLocality": strings.ToUpper(j.Destination.City) + " - " + dhlCountries[j.Destination.Country]}},
		"status":  events[0],
		"details": map[string]any{"product": map[string]string{"productName": strings.ToUpper(l.Service)}, "totalNumberOfPieces": 1},
		"events":  events,
	}
	rep := jsonReply(http.StatusOK, map[string]any{"shipments": []any{ship}})
	rep.header.Set("Content-Language", "en")
	return rep
}
