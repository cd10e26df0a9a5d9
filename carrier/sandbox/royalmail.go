package sandbox

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/waypost/waypost/status"
)

// Royal Mail Tracking API v2 ("mailpieces/v2", the technical user guide and
// its documented sample): GET /mailpieces/v2/{mailPieceId}/events (full
// history) and GET /mailpieces/v2/summary?mailPieceId=a,b,… (latest event
// of up to 30 items, per-item errors inside the answer), authenticated by
// the X-IBM-Client-Id and X-IBM-Client-Secret headers of the IBM API
// Connect gateway, and refused (400, E0004) without X-Accept-RMG-Terms:
// yes. Events are newest first with ISO 8601 times carrying the UK offset
// and office names as locations. Errors are {httpCode, httpMessage,
// moreInformation, errors[{errorCode, errorDescription, errorCause,
// errorResolution}]}: E1142 for a barcode Royal Mail does not recognise,
// E0010 for too many requests, E1307 while tracking is unavailable; the
// gateway's own 401 has no errors list. Event codes are the community-
// compiled ones (elliotjreed/royal-mail-tracking); Royal Mail publishes no
// customs, damage or return-in-transit codes to API users, so those events
// are rendered with constructed codes in an unused range (EVZ..), which a
// client can only read by their names.

type rmCode struct {
	code, name string
	want       status.Substatus
}

var royalMailCodes = map[Kind]rmCode{
	KindInfoReceived: {"EVAIP", "Sender despatching item", ""},
	KindAccepted:     {"EVOCO", "We've received your item and it's being processed for delivery", ""},
	// Royal Mail's inbound arrival is an arrival at its international
	// hub: a facility, not a country.
	KindArrivedDestinationCountry: {"EVORI", "Arrived at Heathrow Worldwide Distribution Centre from overseas", status.InTransitArrivedFacility},
	KindCustomsProcessing:         {"EVZCP", "Your item is with UK Border Force for customs clearance", ""},
	KindCustomsHeld:               {"EVZCH", "Your item is being held by UK Border Force", ""},
	KindDutiesDue:                 {"EVZFP", "Fee to pay: customs duty and VAT are due before we can deliver your item", ""},
	KindCustomsCleared:            {"EVZCC", "Your item has cleared customs and is on its way", ""},
	KindArrivedFacility:           {"EVDAV", "We have your item at %s and it's on its way", ""},
	KindDepartedFacility:          {"EVODO", "Item despatched from %s to the delivery office", ""},
	KindOutForDelivery:            {"EVGPD", "Your item was received by %s and is now due for delivery today", ""},
	KindAttemptUnavailable:        {"EVKNA", "Sorry, we tried to deliver your parcel but there didn't seem to be anyone in", ""},
	KindAttemptAddress:            {"EVKAA", "Sorry, we were unable to deliver this item as the address was inaccessible", ""},
	KindAvailableForPickup:        {"EVKLC", "Your item is at %s and it's now ready for you to collect", ""},
	KindPickedUp:                  {"EVNOC", "Your item was collected from %s", ""},
	KindDelivered:                 {"EVKOP", "Delivered", ""},
	KindDeliveredSigned:           {"EVKSP", "Delivered and signed for", ""},
	KindDeliveredNeighbour:        {"EVKDN", "We delivered your item to your neighbour", ""},
	KindDeliveredLocker:           {"EVKOP", "Delivered to a parcel locker", ""},
	KindDamaged:                   {"EVZDM", "Your item was damaged in our network and has been repackaged", ""},
	KindReturning:                 {"EVZRT", "Your item was not collected and is being returned to the sender", ""},
	KindReturned:                  {"EVRTS", "Your item was delivered back to the sender", ""},
}

// royalMailMaxSummary is the most ids the summary operation takes (E0013
// above it).
const royalMailMaxSummary = 30

func royalMailDialect() *dialect {
	return &dialect{
		slug: "royal-mail",
		authorize: func(h *host, r *http.Request) bool {
			return r.Header.Get("X-IBM-Client-Id") == ClientID && r.Header.Get("X-IBM-Client-Secret") == ClientSecret
		},
		errorReply: royalMailError,
		expect:     func(k Kind) status.Substatus { return royalMailCodes[k].want },
		routes: func(h *host) {
			h.handle("GET /mailpieces/v2/summary", opTrack, func(r *http.Request) reply { return royalMailSummary(h, r) })
			h.handle("GET /mailpieces/v2/{mailPieceId}/events", opTrack, func(r *http.Request) reply { return royalMailEvents(h, r) })
		},
	}
}

// royalMailError renders the gateway's and the API's error bodies.
func royalMailError(code int, _, msg string) reply {
	body := map[string]any{"httpCode": fmt.Sprint(code), "httpMessage": http.StatusText(code)}
	var e map[string]string
	switch code {
	case http.StatusUnauthorized:
		body["moreInformation"] = "Client id not registered."
	case http.StatusTooManyRequests:
		e = map[string]string{"errorCode": "E0010", "errorDescription": "Rate limit exceeded", "errorResolution": "Please try again later"}
	case http.StatusServiceUnavailable:
		e = map[string]string{"errorCode": "E1307", "errorDescription": "Tracking data is currently unavailable", "errorResolution": "Please try again later"}
	case http.StatusInternalServerError:
		e = map[string]string{"errorCode": "E0009", "errorDescription": "Internal server error", "errorResolution": "Please try again later"}
	default:
		e = map[string]string{"errorCode": "E0004", "errorDescription": msg}
	}
	if e != nil {
		body["errors"] = []map[string]string{e}
	}
	return jsonReply(code, body)
}

func royalMailItemError(code, desc, cause string) map[string]string {
	return map[string]string{"errorCode": code, "errorDescription": desc, "errorCause": cause, "errorResolution": "Check barcode and resubmit"}
}

// royalMailTerms refuses calls without the terms header, as Royal Mail does.
func royalMailTerms(r *http.Request) (reply, bool) {
	if !strings.EqualFold(r.Header.Get("X-Accept-RMG-Terms"), "yes") {
		return jsonReply(http.StatusBadRequest, map[string]any{"httpCode": "400", "httpMessage": "Bad Request",
			"moreInformation": "Request header validation failed",
			"errors": []map[string]string{{"errorCode": "E0004", "errorDescription": "Mandatory header X-Accept-RMG-Terms is missing",
				"errorResolution": "Accept the terms and conditions by sending X-Accept-RMG-Terms: yes"}}}), false
	}
	return reply{}, true
}

func royalMailEvents(h *host, r *http.Request) reply {
	if rep, ok := royalMailTerms(r); !ok {
		return rep
	}
	id := r.PathValue("mailPieceId")
	j, leg, steps, ok := h.lookup(id)
	if !ok {
		return jsonReply(http.StatusNotFound, map[string]any{"httpCode": "404", "httpMessage": "Not Found",
			"moreInformation": "The requested resource could not be found",
			"errors": []map[string]string{royalMailItemError("E1142", "Barcode reference "+strings.ToUpper(id)+" isn't recognised",
				"A mail item with that barcode cannot be located")}})
	}
	piece := royalMailPiece(j, leg, steps)
	events := make([]map[string]string, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- {
		events = append(events, royalMailEvent(steps[i]))
	}
	piece["events"] = events
	piece["links"] = map[string]any{"summary": map[string]string{"href": "/mailpieces/v2/summary?mailPieceId=" + j.Legs[leg].Number,
		"title": "Summary", "description": "Get summary"}}
	return jsonReply(http.StatusOK, map[string]any{"mailPieces": piece})
}

func royalMailSummary(h *host, r *http.Request) reply {
	if rep, ok := royalMailTerms(r); !ok {
		return rep
	}
	ids := strings.Split(r.URL.Query().Get("mailPieceId"), ",")
	if len(ids) > royalMailMaxSummary {
		return jsonReply(http.StatusBadRequest, map[string]any{"httpCode": "400", "httpMessage": "Bad Request",
			"errors": []map[string]string{{"errorCode": "E0013", "errorDescription": "Maximum number of parameters exceeded"}}})
	}
	pieces := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		id = strings.TrimSpace(id)
		j, leg, steps, ok := h.lookup(id)
		if !ok {
			pieces = append(pieces, map[string]any{"mailPieceId": id, "error": royalMailItemError("E1142",
				"Barcode reference "+strings.ToUpper(id)+" isn't recognised", "A mail item with that barcode cannot be located")})
			continue
		}
		pieces = append(pieces, royalMailPiece(j, leg, steps))
	}
	return jsonReply(http.StatusOK, map[string]any{"mailPieces": pieces})
}

// royalMailPiece is a mail piece with its summary (the latest event).
func royalMailPiece(j *Journey, leg int, steps []Step) map[string]any {
	l := j.Legs[leg]
	last := royalMailEvent(steps[len(steps)-1])
	return map[string]any{
		"mailPieceId": l.Number, "carrierShortName": "RM", "carrierFullName": "Royal Mail Group Ltd",
		"summary": map[string]any{
			"uniqueItemId": l.Number, "oneDBarcode": l.Number,
			"productId": "IMP", "productName": "International Tracked Inbound", "productCategory": "INTERNATIONAL",
			"originCountryCode": "CHN", "destinationCountryCode": "GBR",
			"lastEventCode": last["eventCode"], "lastEventName": last["eventName"],
			"lastEventDateTime": last["eventDateTime"], "lastEventLocationName": last["locationName"],
			"statusDescription": last["eventName"],
		},
	}
}

func royalMailEvent(s Step) map[string]string {
	c, ok := royalMailCodes[s.Kind]
	if !ok {
		c = rmCode{code: "EVZZZ", name: s.Kind.Text()}
	}
	office := royalMailOffice(s.Place)
	name := c.name
	if strings.Contains(name, "%s") {
		name = fmt.Sprintf(name, office)
	}
	e := map[string]string{"eventCode": c.code, "eventName": name, "eventDateTime": s.Local().Format("2006-01-02T15:04:05-07:00")}
	if office != "" && s.Place.Country == "GB" {
		e["locationName"] = office
	}
	return e
}

// royalMailOffice names a place as Royal Mail does: "Warrington MC"
// (mail centre), "Leeds DO" (delivery office), "Heathrow WDC".
func royalMailOffice(p Place) string {
	switch {
	case strings.HasPrefix(p.Facility, "Heathrow"):
		return "Heathrow WDC"
	case p.Facility == "Delivery Office" || p.Facility == "":
		return p.City + " DO"
	case p.Facility == "Post Office":
		return p.City + " Post Office"
	}
	return p.City + " MC"
}
