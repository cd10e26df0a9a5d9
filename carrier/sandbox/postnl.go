package sandbox

import (
	"net/http"
	"strings"
	"time"

	"github.com/waypost/waypost/status"
)

// PostNL ShippingStatus API v2 (developer.postnl.nl; PostNL's SDK
// documentation of "Get Status by Barcode"): GET
// /shipment/v2/status/barcode/{barcode}?detail=true&language=NL|EN with the
// "apikey" header. The answer is JSON converted from XML: CompleteStatus
// (detail=true) or CurrentStatus with one Shipment whose Event list is
// newest first, a current Status and the OldStatus history; a list of one
// element is a bare object and empty values are {}. TimeStamp is
// "dd-MM-yyyy HH:mm:ss", Dutch local time without offset. An unknown
// barcode is a 200 with warning 2 "No shipment found"; the gateway answers
// faults {"fault": {"faultstring", "detail": {"errorcode"}}}. Event codes
// and the status each sets are PostNL's "T&T status codes" table; the
// texts are written for the sandbox in PostNL's style.

type pnCode struct {
	code, nl, en string
	status       string // the PostNL status code the event sets
	want         status.Substatus
}

var postNLCodes = map[Kind]pnCode{
	KindInfoReceived:              {"A01", "Zending is voorgemeld, maar nog niet ontvangen door PostNL", "Shipment pre-alerted, but not yet received by PostNL", "1", ""},
	KindAccepted:                  {"B01", "Zending is ontvangen door PostNL", "Shipment received by PostNL", "2", ""},
	KindArrivedDestinationCountry: {"X02", "Zending is aangekomen in Nederland", "Shipment has arrived in the Netherlands", "5", ""},
	KindCustomsProcessing:         {"X03", "Zending is aangeboden bij de douane", "Shipment presented to customs", "13", ""},
	KindCustomsHeld:               {"X66", "Zending wordt vastgehouden door de douane", "Shipment held by customs", "9", ""},
	KindDutiesDue:                 {"X67", "Invoerrechten en btw moeten worden betaald door de ontvanger", "Import duties and VAT to be paid by the recipient", "20", ""},
	KindCustomsCleared:            {"X04", "Zending is vrijgegeven door de douane", "Shipment released by customs", "7", ""},
	// Sorting events set status 5 "sorted": coarser than an arrival or a
	// departure.
	KindArrivedFacility:    {"J01", "Zending is gesorteerd", "Shipment has been sorted", "5", status.InTransitInTransit},
	KindDepartedFacility:   {"J01", "Zending is gesorteerd", "Shipment has been sorted", "5", status.InTransitInTransit},
	KindOutForDelivery:     {"J05", "Bezorger is onderweg", "Driver is en route", "7", ""},
	KindAttemptUnavailable: {"K14", "We hebben je gemist, we proberen het nog een keer", "We missed you; we'll try again", "7", ""},
	KindAttemptAddress:     {"J16", "Adres is onvolledig, de zending kon niet worden bezorgd", "Address incomplete, the shipment could not be delivered", "5", ""},
	KindAvailableForPickup: {"J23", "Zending ligt klaar op het PostNL-punt", "Shipment is ready for pickup at the PostNL point", "12", ""},
	KindPickedUp:           {"I22", "Zending is opgehaald bij het PostNL-punt", "Shipment has been picked up at the PostNL point", "11", ""},
	KindDelivered:          {"I01", "Zending is bezorgd", "Shipment delivered", "11", ""},
	// PostNL's delivery event does not say who signed.
	KindDeliveredSigned:    {"I01", "Zending is bezorgd", "Shipment delivered", "11", status.DeliveredDelivered},
	KindDeliveredNeighbour: {"I10", "Zending is bezorgd bij de buren", "Shipment delivered to neighbour", "11", ""},
	KindDeliveredLocker:    {"I09", "Zending is bezorgd in een pakketautomaat", "Shipment delivered to a parcel locker", "11", ""},
	KindDamaged:            {"H04", "Zending is beschadigd en opnieuw verpakt", "Shipment is damaged and has been repacked", "8", ""},
	KindReturning:          {"H02", "Zending is niet opgehaald en gaat retour naar de afzender", "Shipment was not collected and is being returned to the sender", "8", ""},
	KindReturned:           {"I07", "Zending is retour bezorgd bij de afzender", "Shipment returned to the sender", "11", ""},
}

// postNLStatus are PostNL's status texts and their phase codes.
var postNLStatus = map[string]struct{ nl, en, phase string }{
	"1":  {"Zending voorgemeld", "Shipment pre-alerted", "1"},
	"2":  {"Zending in ontvangst genomen", "Shipment received", "1"},
	"5":  {"Zending gesorteerd", "Shipment sorted", "2"},
	"7":  {"Zending in distributieproces", "Shipment in distribution process", "3"},
	"8":  {"Zending niet afgeleverd", "Shipment not delivered", "3"},
	"9":  {"Zending bij douane", "Shipment at customs", "2"},
	"11": {"Zending afgeleverd", "Shipment delivered", "4"},
	"12": {"Zending beschikbaar op afhaallocatie", "Shipment available at pickup location", "3"},
	"13": {"Voorgemeld: nog niet aangenomen", "Pre-alerted: not yet accepted", "1"},
	"20": {"Zending in inklaringsproces", "Shipment in customs clearance process", "2"},
}

var postNLPhases = map[string]struct{ nl, en string }{
	"1": {"Collectie", "Collection"}, "2": {"Sortering", "Sorting"}, "3": {"Distributie", "Distribution"}, "4": {"Afgeleverd", "Delivered"},
}

func postNLDialect() *dialect {
	return &dialect{
		slug: "postnl",
		authorize: func(h *host, r *http.Request) bool {
			return r.Header.Get("apikey") == APIKey
		},
		errorReply: postNLFault,
		expect:     func(k Kind) status.Substatus { return postNLCodes[k].want },
		routes: func(h *host) {
			h.handle("GET /shipment/v2/status/barcode/{barcode}", opTrack, func(r *http.Request) reply { return postNLTrack(h, r) })
		},
	}
}

// postNLFault is the API gateway's fault body.
func postNLFault(code int, _, msg string) reply {
	fs, ec := msg, "messaging.adaptors.http.flow.ServiceUnavailable"
	switch code {
	case http.StatusUnauthorized:
		fs, ec = "Invalid ApiKey", "oauth.v2.InvalidApiKey"
	case http.StatusTooManyRequests:
		fs, ec = "Rate limit quota violation. Quota limit exceeded.", "policies.ratelimit.QuotaViolation"
	case http.StatusInternalServerError:
		fs, ec = "Internal server error", "messaging.runtime.InternalError"
	case http.StatusServiceUnavailable:
		fs = "The Service is temporarily unavailable"
	case http.StatusBadRequest:
		ec = "invalid_request"
	}
	return jsonReply(code, map[string]any{"fault": map[string]any{"faultstring": fs, "detail": map[string]string{"errorcode": ec}}})
}

const postNLTime = "02-01-2006 15:04:05"

// postNLClock is the zone of PostNL's timestamps: Dutch time for every
// event, also one abroad (a return delivered to the sender).
func postNLClock() *time.Location { return Place{Zone: "Europe/Amsterdam"}.Location() }

func postNLTrack(h *host, r *http.Request) reply {
	barcode := r.PathValue("barcode")
	english := strings.EqualFold(r.URL.Query().Get("language"), "EN")
	detail := strings.EqualFold(r.URL.Query().Get("detail"), "true")
	if len(barcode) < 11 || len(barcode) > 30 {
		return postNLFault(http.StatusBadRequest, "", "Invalid barcode")
	}
	j, leg, steps, ok := h.lookup(barcode)
	if !ok {
		return jsonReply(http.StatusOK, map[string]any{"CurrentStatus": map[string]any{},
			"Warnings": []map[string]string{{"Message": "No shipment found", "Code": "2"}}})
	}
	pick := func(nl, en string) string {
		if english {
			return en
		}
		return nl
	}
	statusRec := func(s Step) map[string]string {
		c := postNLCode(s.Kind)
		st := postNLStatus[c.status]
		ph := postNLPhases[st.phase]
		return map[string]string{"TimeStamp": s.At.In(postNLClock()).Format(postNLTime), "StatusCode": c.status,
			"StatusDescription": pick(st.nl, st.en), "PhaseCode": st.phase, "PhaseDescription": pick(ph.nl, ph.en)}
	}
	events := make([]map[string]any, 0, len(steps))
	old := make([]map[string]string, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		c := postNLCode(s.Kind)
		events = append(events, map[string]any{
			"Code": c.code, "Description": pick(c.nl, c.en), "DestinationLocationCode": map[string]any{},
			"LocationCode": postNLLocation(s.Place), "RouteCode": map[string]any{}, "RouteName": map[string]any{},
			"TimeStamp": s.At.In(postNLClock()).Format(postNLTime),
		})
		old = append(old, statusRec(s))
	}
	l := j.Legs[leg]
	sh := map[string]any{
		"MainBarcode": l.Number, "Barcode": l.Number, "ShipmentAmount": "1", "ShipmentCounter": "1",
		"ProductCode": "004944", "ProductDescription": pick("Pakket buitenland", "Parcel international inbound"),
		"Reference": map[string]any{},
		"Address": map[string]any{"AddressType": "01", "City": j.Destination.City, "CountryCode": "NL",
			"Zipcode": strings.ReplaceAll(j.Destination.PostalCode, " ", ""), "Building": map[string]any{}},
		"Status": old[0],
	}
	block := "CurrentStatus"
	if detail {
		block = "CompleteStatus"
		// One element lists are bare objects in PostNL's JSON.
		if len(events) == 1 {
			sh["Event"], sh["OldStatus"] = events[0], old[0]
		} else {
			sh["Event"], sh["OldStatus"] = events, old
		}
	}
	return jsonReply(http.StatusOK, map[string]any{block: map[string]any{"Shipment": sh}})
}

func postNLCode(k Kind) pnCode {
	if c, ok := postNLCodes[k]; ok {
		return c
	}
	return pnCode{code: "J01", nl: "Zending is gesorteerd", en: "Shipment has been sorted", status: "5"}
}

// postNLLocation is a six-digit PostNL location code derived from the
// place's postal code (PostNL answers codes, not names).
func postNLLocation(p Place) string {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p.PostalCode)
	return (d + "000000")[:4] + "10"
}
