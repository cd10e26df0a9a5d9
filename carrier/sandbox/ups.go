package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/waypost/waypost/status"
)

// UPS Tracking API v1 (developer.ups.com, Tracking.yaml and
// OAuthClientCredentials.yaml): POST /security/v1/oauth/token with HTTP
// Basic client credentials, GET /api/track/v1/details/{inquiryNumber}
// with a Bearer token and transId/transactionSrc headers. Activities are
// newest first with local date "YYYYMMDD" and time "HHMMSS" plus
// gmtDate/gmtTime/gmtOffset; not found is HTTP 200 with warning TW0001.
// Codes are from the UPS Tracking API appendix (status type, movement scan
// and package exception codes, 3-digit status/description codes).

type upsCode struct {
	typ, code, statusCode, desc string
	want                        status.Substatus // when coarser than the kind
}

var upsCodes = map[Kind]upsCode{
	KindInfoReceived:              {"M", "MP", "003", "Shipper created a label, UPS has not received the package yet.", ""},
	KindAccepted:                  {"P", "PU", "038", "Pickup Scan", ""},
	KindArrivedFacility:           {"I", "AR", "005", "Arrived at Facility", ""},
	KindDepartedFacility:          {"I", "DP", "005", "Departed from Facility", ""},
	KindExportCustoms:             {"I", "EP", "005", "Export Scan", status.InTransitDepartedOriginCountry},
	KindDepartedOriginCountry:     {"I", "EP", "005", "Export Scan", ""},
	KindArrivedDestinationCountry: {"I", "IP", "005", "Import Scan", ""},
	KindCustomsProcessing:         {"I", "CL", "012", "Your package is being processed for clearance by the customs agency.", ""},
	KindCustomsHeld:               {"X", "2T", "126", "Your package is pending release from a government agency.", ""},
	KindDutiesDue:                 {"X", "1C", "013", "Import charges are due. The receiver has been notified.", ""},
	KindCustomsCleared:            {"I", "CC", "014", "Clearance Completed", ""},
	KindDelayed:                   {"I", "WD", "032", "Adverse weather conditions caused this delay.", ""},
	KindHandedOver:                {"I", "YN", "074", "UPS Delivery Partner has Shipment", ""},
	KindOutForDelivery:            {"I", "OT", "021", "Out For Delivery Today", ""},
	KindAttemptUnavailable:        {"X", "48", "022", "The receiver was not available for delivery. We'll make a second attempt the next business day.", ""},
	KindAttemptAddress:            {"X", "AI", "022", "Delivery attempted: the address is incomplete. We are contacting the receiver.", ""},
	KindAvailableForPickup:        {"D", "2Q", "161", "Delivered to UPS Access Point™. Awaiting customer pickup.", ""},
	KindPickedUp:                  {"D", "FT", "011", "The receiver picked up the package at the UPS Access Point™.", ""},
	KindDelivered:                 {"D", "FS", "011", "DELIVERED", ""},
	KindDeliveredSigned:           {"D", "KB", "011", "DELIVERED, signed by", ""},
	KindDeliveredNeighbour:        {"D", "F4", "011", "DELIVERED, left with a neighbor", ""},
	KindDeliveredLocker:           {"D", "FS", "011", "DELIVERED to a parcel locker", ""},
	KindDamaged:                   {"X", "45", "059", "Damage reported. The contents were repackaged and the package will be delivered.", ""},
	KindReturning:                 {"X", "DL", "033", "The receiver did not pick up the package. It will be returned to the sender.", ""},
	KindReturned:                  {"X", "RS", "034", "Returned to Sender", ""},
}

func upsDialect() *dialect {
	return &dialect{
		slug:     "ups",
		tokenTTL: 14399 * time.Second, // UPS announces 4 hours less one second
		authorize: func(h *host, r *http.Request) bool {
			return h.bearerOK(r)
		},
		errorReply: upsError,
		expect:     func(k Kind) status.Substatus { return upsCodes[k].want },
		routes: func(h *host) {
			h.handle("POST /security/v1/oauth/token", opToken, func(r *http.Request) reply {
				id, secret, _ := r.BasicAuth()
				if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
					return upsError(http.StatusBadRequest, "10400", "Invalid/Missing grant_type")
				}
				tok, ok := h.issueToken(id, secret)
				if !ok {
					return upsError(http.StatusUnauthorized, "10401", "ClientId is Invalid")
				}
				return jsonReply(http.StatusOK, map[string]string{
					"token_type": "Bearer", "issued_at": strconv.FormatInt(time.Now().UnixMilli(), 10),
					"client_id": id, "access_token": tok, "scope": "",
					"expires_in": strconv.Itoa(int(h.d.tokenTTL.Seconds())), "refresh_count": "0", "status": "approved",
				})
			})
			h.handle("GET /api/track/v1/details/{inquiryNumber}", opTrack, func(r *http.Request) reply {
				return upsTrack(h, r)
			})
		},
	}
}

func upsError(code int, c, msg string) reply {
	switch code {
	case http.StatusUnauthorized:
		c, msg = "250002", "Invalid Authentication Information."
	case http.StatusTooManyRequests:
		c, msg = "10429", "Too Many Requests"
	}
	return jsonReply(code, map[string]any{"response": map[string]any{"errors": []map[string]string{{"code": c, "message": msg}}}})
}

type upsAddress struct {
	City          string `json:"city,omitempty"`
	StateProvince string `json:"stateProvince,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	CountryCode   string `json:"countryCode,omitempty"`
	Country       string `json:"country,omitempty"`
}

type upsStatus struct {
	Type        string `json:"type"`
	Code        string `json:"code"`
	Description string `json:"description"`
	StatusCode  string `json:"statusCode"`
}

type upsActivity struct {
	Location struct {
		Address upsAddress `json:"address"`
		Slic    string     `json:"slic,omitempty"`
	} `json:"location"`
	Status    upsStatus `json:"status"`
	Date      string    `json:"date"`
	Time      string    `json:"time"`
	GMTDate   string    `json:"gmtDate,omitempty"`
	GMTTime   string    `json:"gmtTime,omitempty"`
	GMTOffset string    `json:"gmtOffset,omitempty"`
}

func upsTrack(h *host, r *http.Request) reply {
	number := r.PathValue("inquiryNumber")
	if r.Header.Get("transId") == "" || r.Header.Get("transactionSrc") == "" {
		return upsError(http.StatusBadRequest, "VSS000", "Missing transId or transactionSrc header")
	}
	if len(number) < 7 || len(number) > 34 {
		return upsError(http.StatusBadRequest, "TV1002", "Invalid inquiry number")
	}
	j, leg, steps, ok := h.lookup(number)
	if !ok {
		return jsonReply(http.StatusOK, map[string]any{"trackResponse": map[string]any{"shipment": []any{map[string]any{
			"inquiryNumber": number, "package": []any{},
			"warnings": []map[string]string{{"code": "TW0001", "message": "Tracking Information Not Found"}},
		}}}})
	}
	acts := make([]upsActivity, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- { // newest first
		s := steps[i]
		c := upsCodes[s.Kind]
		if c.typ == "" {
			c = upsCode{typ: "I", statusCode: "005", desc: s.Kind.Text()}
		}
		var a upsActivity
		a.Location.Address = upsAddress{City: s.Place.City, StateProvince: s.Place.State,
			PostalCode: s.Place.PostalCode, CountryCode: s.Place.Country, Country: s.Place.Country}
		desc := c.desc
		if s.Kind == KindDeliveredSigned && s.Detail != "" {
			desc += " " + s.Detail
		}
		a.Status = upsStatus{Type: c.typ, Code: c.code, Description: desc, StatusCode: c.statusCode}
		local := s.Local()
		a.Date, a.Time = local.Format("20060102"), local.Format("150405")
		if s.Kind != KindInfoReceived {
			// Label records carry the shipper's local time only; scans
			// carry the GMT fields (gmtTime without its leading zero, as
			// UPS sends it).
			g := s.At.UTC()
			a.GMTDate = g.Format("20060102")
			a.GMTTime = fmt.Sprintf("%05d", g.Hour()*10000+g.Minute()*100+g.Second())
			a.GMTOffset = local.Format("-07:00")
		}
		acts = append(acts, a)
	}
	l := j.Legs[leg]
	cur := acts[0].Status
	pkg := map[string]any{
		"trackingNumber": l.Number,
		"currentStatus":  map[string]string{"type": cur.Type, "code": cur.Code, "description": cur.Description, "statusCode": cur.StatusCode},
		"activity":       acts,
		"packageCount":   1,
		"service":        map[string]string{"code": "007", "description": l.Service},
	}
	return jsonReply(http.StatusOK, map[string]any{"trackResponse": map[string]any{"shipment": []any{map[string]any{
		"inquiryNumber": l.Number, "package": []any{pkg},
	}}}})
}
