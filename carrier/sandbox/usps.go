package sandbox

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/waypost/waypost/status"
)

// USPS Tracking API v3 ("Package Tracking and Notification" OpenAPI 3.2.x,
// developers.usps.com; the api-examples README): POST /oauth2/v3/token
// with client credentials (form fields, or JSON as the README sends them)
// and scope "tracking", answering expires_in as a string; GET
// /tracking/v3/tracking/{trackingNumber}?expand=DETAIL with a Bearer
// token. Events are newest first: eventTimestamp is the local wall clock
// without offset, GMTTimestamp the instant and GMTOffset the local offset
// ("-4:00" without the leading zero on some events, as in the OpenAPI
// example). Errors are ErrorMessage bodies {apiVersion, error{code,
// message, errors[]}}; an item USPS does not know is a 404 "Tracking is not
// available for this item". Event codes are those of USPS Publication 199
// Appendix G-4; the inbound international events (customs) are rendered
// with their wording and no code, since the G-5 codes are not in our
// sources.

type uspsCode struct {
	code, text string
	want       status.Substatus // when USPS's wording is coarser than the kind
}

var uspsCodes = map[Kind]uspsCode{
	KindInfoReceived:     {"GX", "Shipping Label Created, USPS Awaiting Item", ""},
	KindAccepted:         {"03", "USPS in possession of item", ""},
	KindArrivedFacility:  {"A1", "Arrived at USPS Regional Facility", ""},
	KindDepartedFacility: {"T1", "Departed USPS Regional Facility", ""},
	// "Processed Through Facility" at the International Service Center:
	// USPS's wording says processed, not arrived in the country.
	KindArrivedDestinationCountry: {"", "Processed Through Facility", status.InTransitInTransit},
	KindCustomsProcessing:         {"", "Inbound Into Customs", ""},
	KindCustomsHeld:               {"", "Held in Customs", ""},
	KindDutiesDue:                 {"", "Held in Customs, Duties and Taxes Due from Recipient", ""},
	KindCustomsCleared:            {"", "Inbound Out of Customs", ""},
	KindOutForDelivery:            {"OF", "Out for Delivery", ""},
	KindAttemptUnavailable:        {"52", "Notice Left (No Authorized Recipient Available)", ""},
	KindAttemptAddress:            {"30", "Delivery Attempted - No Access to Delivery Location", ""},
	KindAvailableForPickup:        {"16", "Available for Pickup", ""},
	KindPickedUp:                  {"43", "Picked Up at Post Office", ""},
	KindDelivered:                 {"01", "Delivered, In/At Mailbox", ""},
	KindDeliveredSigned:           {"01", "Delivered, Left with Individual", status.DeliveredDelivered},
	KindDeliveredNeighbour:        {"01", "Delivered, Left with Neighbor", ""},
	KindDeliveredLocker:           {"01", "Delivered, Parcel Locker", ""},
	KindDamaged:                   {"", "Item Damaged, Repackaged by USPS", ""},
	KindReturning:                 {"31", "Return to Sender, Not Picked Up", ""},
	KindReturned:                  {"", "Returned to Sender, Delivered to Sender", ""},
}

func uspsDialect() *dialect {
	return &dialect{
		slug:     "usps",
		tokenTTL: 28799 * time.Second, // USPS announces eight hours less one second
		authorize: func(h *host, r *http.Request) bool {
			return h.bearerOK(r)
		},
		errorReply: uspsError,
		expect:     func(k Kind) status.Substatus { return uspsCodes[k].want },
		routes: func(h *host) {
			h.handle("POST /oauth2/v3/token", opToken, func(r *http.Request) reply { return uspsToken(h, r) })
			h.handle("GET /tracking/v3/tracking/{trackingNumber}", opTrack, func(r *http.Request) reply { return uspsTrack(h, r) })
		},
	}
}

// uspsToken reads the client credentials from a form or a JSON body.
func uspsToken(h *host, r *http.Request) reply {
	var id, secret, grant string
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var body struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
			GrantType    string `json:"grant_type"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return uspsOAuthError(http.StatusBadRequest, "invalid_request", "The request body is not valid JSON.")
		}
		id, secret, grant = body.ClientID, body.ClientSecret, body.GrantType
	} else {
		if err := r.ParseForm(); err != nil {
			return uspsOAuthError(http.StatusBadRequest, "invalid_request", "The request body is not a valid form.")
		}
		id, secret, grant = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), r.PostForm.Get("grant_type")
	}
	if grant != "client_credentials" {
		return uspsOAuthError(http.StatusBadRequest, "unsupported_grant_type", "Only client_credentials is supported.")
	}
	tok, ok := h.issueToken(id, secret)
	if !ok {
		return uspsOAuthError(http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
	}
	return jsonReply(http.StatusOK, map[string]string{
		"access_token": tok, "token_type": "Bearer",
		"issued_at":  strconv.FormatInt(time.Now().UnixMilli(), 10),
		"expires_in": strconv.Itoa(int(h.d.tokenTTL.Seconds())),
		"status":     "approved", "scope": "tracking", "issuer": "api.usps.com",
		"client_id": id, "application_name": "sandbox",
	})
}

func uspsOAuthError(code int, e, desc string) reply {
	return jsonReply(code, map[string]string{"error": e, "error_description": desc})
}

func uspsError(code int, _, msg string) reply {
	title := msg
	switch code {
	case http.StatusUnauthorized:
		msg, title = "Unauthorized", "Invalid or expired access token"
	case http.StatusTooManyRequests:
		msg, title = "Too Many Requests", "Quota exceeded, retry later"
	case http.StatusServiceUnavailable:
		msg, title = "Service Unavailable", "The tracking service is temporarily unavailable"
	case http.StatusInternalServerError:
		msg, title = "Internal Server Error", "An unexpected error occurred"
	case http.StatusNotFound:
		title = "Tracking is not available for this item."
	}
	c := strconv.Itoa(code)
	e := map[string]string{"status": c, "code": c, "title": title}
	if code == http.StatusNotFound {
		e["code"] = "1001"
		e["detail"] = "This may be because the tracking number is invalid; USPS has not yet received the item; the item does not include tracking; or other reasons."
	}
	return jsonReply(code, map[string]any{"apiVersion": "v3", "error": map[string]any{
		"code": c, "message": msg, "errors": []map[string]string{e},
	}})
}

type uspsEvent struct {
	EventType       string  `json:"eventType"`
	EventTimestamp  string  `json:"eventTimestamp"`
	GMTTimestamp    string  `json:"GMTTimestamp,omitempty"`
	GMTOffset       string  `json:"GMTOffset,omitempty"`
	EventCountry    *string `json:"eventCountry"`
	EventCity       string  `json:"eventCity"`
	EventState      *string `json:"eventState"`
	EventZIP        *string `json:"eventZIP"`
	Firm            *string `json:"firm"`
	Name            *string `json:"name"`
	AuthorizedAgent string  `json:"authorizedAgent"`
	EventCode       string  `json:"eventCode"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// uspsOffset writes an offset as USPS does: "-05:00", but without the
// leading zero of the hour on events of the origin post office ("-5:00").
func uspsOffset(t time.Time, short bool) string {
	s := t.Format("-07:00")
	if short && len(s) == 6 && s[1] == '0' {
		s = s[:1] + s[2:]
	}
	return s
}

func uspsTrack(h *host, r *http.Request) reply {
	number := r.PathValue("trackingNumber")
	if n := len(number); n < 10 || n > 40 {
		return uspsError(http.StatusBadRequest, "", "Invalid tracking number.")
	}
	j, leg, steps, ok := h.lookup(number)
	if !ok {
		return uspsError(http.StatusNotFound, "", "Tracking is not available for this item.")
	}
	detail := strings.EqualFold(r.URL.Query().Get("expand"), "DETAIL")
	evs := make([]uspsEvent, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- { // newest first
		s := steps[i]
		c, ok := uspsCodes[s.Kind]
		if !ok {
			c = uspsCode{text: s.Kind.Text()}
		}
		local := s.Local()
		e := uspsEvent{EventType: c.text, EventTimestamp: local.Format("2006-01-02T15:04:05"),
			GMTTimestamp: s.At.UTC().Format("2006-01-02T15:04:05Z"), GMTOffset: uspsOffset(local, s.Kind == KindAccepted),
			AuthorizedAgent: "false", EventCode: c.code}
		p := s.Place
		switch {
		case p.Country != "US":
			// Abroad (a return delivered to the sender): the country by
			// name, no state or ZIP Code.
			e.EventCity, e.EventCountry = strings.ToUpper(p.City), strPtr(strings.ToUpper(countryName(p.Country)))
		case s.Kind == KindArrivedDestinationCountry || (p.Facility != "" && p.IATA != "" && p.Facility != "Delivery Office"):
			// Plants are named with their state and have no ZIP Code.
			name := strings.ToUpper(p.City + " " + p.State + " " + uspsPlant(p.Facility))
			if strings.HasPrefix(p.Facility, "ISC") {
				name = "ISC " + strings.ToUpper(p.City+" "+p.State) + " (USPS)"
			}
			e.EventCity = name
		default:
			e.EventCity, e.EventState, e.EventZIP = strings.ToUpper(p.City), strPtr(p.State), strPtr(p.PostalCode)
		}
		if s.Kind == KindDeliveredSigned {
			e.Name = strPtr(s.Detail)
			e.AuthorizedAgent = "true"
		}
		if s.Kind == KindArrivedFacility && p.Facility == "Delivery Office" {
			e.EventCode, e.EventType = "07", "Arrived at Post Office"
		}
		evs = append(evs, e)
	}
	l := j.Legs[leg]
	last := steps[len(steps)-1]
	cur := evs[0].EventType
	out := map[string]any{
		"trackingNumber":    l.Number,
		"mailClass":         "First-Class Package International Service<SUP>&#174;</SUP>",
		"mailType":          "IN",
		"destinationCity":   strings.ToUpper(j.Destination.City),
		"destinationState":  j.Destination.State,
		"destinationZIP":    j.Destination.PostalCode,
		"emailEnabled":      "true",
		"status":            cur,
		"statusCategory":    uspsCategory(last.Kind),
		"statusSummary":     "Your item's latest event: " + cur + ".",
		"uniqueMailPieceID": strconv.FormatInt(200000000+j.First().Unix()%100000000, 10),
		"services":          "USPS Tracking<SUP>&#174;</SUP>",
	}
	if detail {
		out["trackingEvents"] = evs
	} else {
		out["trackingEvents"] = evs[:1]
	}
	return jsonReply(http.StatusOK, out)
}

// uspsPlant names a processing plant the way USPS event cities do.
func uspsPlant(facility string) string {
	if strings.Contains(facility, "Network") {
		return "NETWORK DISTRIBUTION CENTER"
	}
	return "DISTRIBUTION CENTER"
}

// uspsCategory is the statusCategory of an item whose latest event is k.
func uspsCategory(k Kind) string {
	switch k.Substatus().Status() {
	case status.InfoReceived:
		return "Pre-Shipment"
	case status.OutForDelivery:
		return "Out for Delivery"
	case status.AttemptFail:
		return "Delivery Attempt"
	case status.AvailableForPickup:
		return "Available for Pickup"
	case status.Delivered:
		return "Delivered"
	case status.Exception:
		if k == KindReturning || k == KindReturned {
			return "Return to Sender"
		}
		return "Alert"
	}
	if k == KindAccepted {
		return "Accepted"
	}
	return "In Transit"
}
