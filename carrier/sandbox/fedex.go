package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/waypost/waypost/status"
)

// FedEx Track API v1 (developer.fedex.com, TrackingNumbers-Resource.json
// and the API Authorization document): POST /oauth/token with the client
// credentials as form fields, POST /track/v1/trackingnumbers with up to 30
// trackingInfo entries. Scan events are newest first, dated ISO 8601 with
// the scan's offset (pickup scans sometimes without one); a number FedEx
// does not know is an error inside its trackResult of a 200 answer.

type fedexCode struct {
	eventType, derived, exception, desc string
	want                                status.Substatus
}

var fedexCodes = map[Kind]fedexCode{
	KindInfoReceived:              {"OC", "IN", "", "Shipment information sent to FedEx", ""},
	KindAccepted:                  {"PU", "PU", "", "Picked up", ""},
	KindArrivedFacility:           {"AR", "IT", "", "Arrived at FedEx location", ""},
	KindDepartedFacility:          {"DP", "IT", "", "Departed FedEx location", ""},
	KindExportCustoms:             {"IT", "IT", "", "International shipment release - Export", ""},
	KindDepartedOriginCountry:     {"IT", "IT", "", "In transit, left origin country", ""},
	KindArrivedDestinationCountry: {"IT", "IT", "", "Arrived at destination country gateway", ""},
	KindCustomsProcessing:         {"CP", "IT", "", "Clearance in progress", ""},
	KindCustomsHeld:               {"CD", "DY", "", "Clearance delay - held by customs", ""},
	KindDutiesDue:                 {"CD", "DY", "", "Clearance delay - import charges are due from the recipient", ""},
	KindCustomsCleared:            {"CC", "IT", "", "International shipment release - Import", ""},
	KindDelayed:                   {"DY", "DY", "", "Delay", ""},
	KindHandedOver:                {"IT", "IT", "", "Tendered to delivery partner", ""},
	KindOutForDelivery:            {"OD", "OD", "", "On FedEx vehicle for delivery", ""},
	KindAttemptUnavailable:        {"DE", "DE", "08", "Delivery exception", ""},
	KindAttemptAddress:            {"DE", "DE", "03", "Delivery exception", ""},
	KindAvailableForPickup:        {"HP", "HP", "", "Ready for recipient pickup", ""},
	KindPickedUp:                  {"DL", "DL", "", "Delivered, picked up by recipient at FedEx location", ""},
	KindDelivered:                 {"DL", "DL", "", "Delivered", ""},
	KindDeliveredSigned:           {"DL", "DL", "", "Delivered, signed for by", ""},
	KindDeliveredNeighbour:        {"DL", "DL", "", "Delivered, left with neighbor", ""},
	KindDeliveredLocker:           {"DL", "DL", "", "Delivered to FedEx parcel locker", ""},
	KindDamaged:                   {"SE", "SE", "", "Shipment exception, package damaged", ""},
	KindReturning:                 {"RS", "RS", "", "Returning package to shipper", ""},
	KindReturned:                  {"SE", "DL", "", "Shipment returned to shipper", ""},
}

// fedexExceptions are the texts of the delivery exception codes used.
var fedexExceptions = map[string]string{
	"08": "Customer not available or business closed",
	"03": "Incorrect recipient address",
}

// fedexMaxBatch is the documented most trackingInfo entries per request.
const fedexMaxBatch = 30

func fedexDialect() *dialect {
	return &dialect{
		slug:     "fedex",
		tokenTTL: 3599 * time.Second, // FedEx tokens last one hour
		authorize: func(h *host, r *http.Request) bool {
			return h.bearerOK(r)
		},
		errorReply: fedexError,
		expect:     func(k Kind) status.Substatus { return fedexCodes[k].want },
		routes: func(h *host) {
			h.handle("POST /oauth/token", opToken, func(r *http.Request) reply {
				if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
					return fedexError(http.StatusBadRequest, "BAD.REQUEST.ERROR", "The given grant_type is not supported.")
				}
				tok, ok := h.issueToken(r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"))
				if !ok {
					return fedexError(http.StatusUnauthorized, "NOT.AUTHORIZED.ERROR", "The given client credentials were not valid. Please modify your request and try again.")
				}
				return jsonReply(http.StatusOK, map[string]any{
					"access_token": tok, "token_type": "bearer",
					"expires_in": int(h.d.tokenTTL.Seconds()), "scope": "CXS-TP",
				})
			})
			h.handle("POST /track/v1/trackingnumbers", opTrack, func(r *http.Request) reply {
				return fedexTrack(h, r)
			})
		},
	}
}

func fedexError(code int, c, msg string) reply {
	switch code {
	case http.StatusUnauthorized:
		c, msg = "NOT.AUTHORIZED.ERROR", "Access token expired. Please modify your request and try again."
	case http.StatusServiceUnavailable:
		c, msg = "SERVICE.UNAVAILABLE.ERROR", "The service is currently unavailable and we are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time."
	case http.StatusInternalServerError:
		c, msg = "INTERNAL.SERVER.ERROR", "We encountered an unexpected error and are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time."
	case http.StatusTooManyRequests:
		c, msg = "TOO.MANY.REQUESTS.ERROR", "We have received too many requests in a short duration. Please wait a while to try again."
	}
	return jsonReply(code, map[string]any{
		"transactionId": transactionID(),
		"errors":        []map[string]string{{"code": c, "message": msg}},
	})
}

// transactionID imitates the UUIDs FedEx puts in every answer.
func transactionID() string {
	var b [16]byte
	_, _ = randRead(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

type fedexLocation struct {
	City                string `json:"city,omitempty"`
	StateOrProvinceCode string `json:"stateOrProvinceCode,omitempty"`
	PostalCode          string `json:"postalCode,omitempty"`
	CountryCode         string `json:"countryCode,omitempty"`
	Residential         bool   `json:"residential"`
	CountryName         string `json:"countryName,omitempty"`
}

type fedexScan struct {
	Date                 string        `json:"date"`
	EventType            string        `json:"eventType"`
	EventDescription     string        `json:"eventDescription"`
	ExceptionCode        string        `json:"exceptionCode"`
	ExceptionDescription string        `json:"exceptionDescription"`
	ScanLocation         fedexLocation `json:"scanLocation"`
	LocationID           string        `json:"locationId,omitempty"`
	LocationType         string        `json:"locationType"`
	DerivedStatusCode    string        `json:"derivedStatusCode"`
	DerivedStatus        string        `json:"derivedStatus"`
}

func fedexTrack(h *host, r *http.Request) reply {
	var req struct {
		IncludeDetailedScans bool `json:"includeDetailedScans"`
		TrackingInfo         []struct {
			TrackingNumberInfo struct {
				TrackingNumber         string `json:"trackingNumber"`
				TrackingNumberUniqueID string `json:"trackingNumberUniqueId"`
			} `json:"trackingNumberInfo"`
		} `json:"trackingInfo"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return fedexError(http.StatusBadRequest, "INVALID.INPUT.EXCEPTION", "Invalid field value in the input")
	}
	if len(req.TrackingInfo) == 0 {
		return fedexError(http.StatusBadRequest, "TRACKING.TRACKINGNUMBER.EMPTY", "Please provide tracking number.")
	}
	if len(req.TrackingInfo) > fedexMaxBatch {
		return fedexError(http.StatusBadRequest, "TRACKING.TRACKINGNUMBER.LIMIT.EXCEEDED", "Please limit the request to 30 tracking numbers.")
	}
	var complete []any
	for _, ti := range req.TrackingInfo {
		number := strings.TrimSpace(ti.TrackingNumberInfo.TrackingNumber)
		if number == "" {
			return fedexError(http.StatusBadRequest, "TRACKING.TRACKINGNUMBER.EMPTY", "Please provide tracking number.")
		}
		complete = append(complete, map[string]any{
			"trackingNumber": number,
			"trackResults":   []any{fedexResult(h, number, req.IncludeDetailedScans)},
		})
	}
	return jsonReply(http.StatusOK, map[string]any{
		"transactionId": transactionID(),
		"output":        map[string]any{"completeTrackResults": complete},
	})
}

func fedexResult(h *host, number string, detailed bool) map[string]any {
	j, leg, steps, ok := h.lookup(number)
	info := map[string]string{"trackingNumber": number}
	if !ok {
		return map[string]any{
			"trackingNumberInfo": info,
			"error": map[string]string{"code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
				"message": "Tracking number cannot be found. Please correct the tracking number and try again."},
		}
	}
	info["carrierCode"] = "FDXE"
	// The unique id is FedEx's shipment identity: a day number, the
	// tracking number and the operating company.
	info["trackingNumberUniqueId"] = fmt.Sprintf("%d~%s~FX", 2400000000+j.First().Unix()/86400, j.Legs[leg].Number)
	scans := make([]fedexScan, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		c := fedexCodes[s.Kind]
		if c.eventType == "" {
			c = fedexCode{eventType: "IT", derived: "IT", desc: s.Kind.Text()}
		}
		desc := c.desc
		if s.Kind == KindDeliveredSigned && s.Detail != "" {
			desc += " " + s.Detail
		}
		local := s.Local()
		date := local.Format("2006-01-02T15:04:05-07:00")
		if s.Kind == KindAccepted {
			date = local.Format("2006-01-02T15:04:05") // FedEx pickup scans may lack the offset
		}
		scans = append(scans, fedexScan{
			Date: date, EventType: c.eventType, EventDescription: desc,
			ExceptionCode: c.exception, ExceptionDescription: fedexExceptions[c.exception],
			ScanLocation: fedexLocation{City: strings.ToUpper(s.Place.City), StateOrProvinceCode: s.Place.State,
				PostalCode: s.Place.PostalCode, CountryCode: s.Place.Country, CountryName: countryName(s.Place.Country)},
			LocationID: s.Place.IATA, LocationType: "FEDEX_FACILITY",
			DerivedStatusCode: c.derived, DerivedStatus: fedexDerived[c.derived],
		})
	}
	if !detailed {
		scans = scans[:1]
	}
	latest := scans[0]
	return map[string]any{
		"trackingNumberInfo": info,
		"latestStatusDetail": map[string]any{
			"code": latest.DerivedStatusCode, "derivedCode": latest.DerivedStatusCode,
			"statusByLocale": latest.DerivedStatus, "description": latest.EventDescription,
			"scanLocation": latest.ScanLocation,
		},
		"dateAndTimes": []map[string]string{
			{"type": "SHIP", "dateTime": j.First().In(j.Origin.Location()).Format("2006-01-02") + "T00:00:00+08:00"},
		},
		"serviceDetail": map[string]string{"type": "INTERNATIONAL_PRIORITY", "description": j.Legs[leg].Service},
		"scanEvents":    scans,
	}
}

var fedexDerived = map[string]string{
	"IN": "Initiated", "PU": "Picked up", "IT": "In transit", "DY": "Delay", "OD": "On FedEx vehicle for delivery",
	"DE": "Delivery exception", "HP": "Ready for pickup", "DL": "Delivered", "SE": "Shipment exception", "RS": "Return to shipper",
}

// countryName names the countries the journeys visit.
func countryName(cc string) string {
	return map[string]string{
		"CN": "China", "US": "United States", "GB": "United Kingdom", "CA": "Canada", "FR": "France",
		"NL": "Netherlands", "AU": "Australia", "DE": "Germany",
	}[cc]
}
