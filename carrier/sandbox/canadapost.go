package sandbox

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/waypost/waypost/status"
)

// Canada Post tracking web service, "Get Tracking Details" (REST/XML,
// canadapost-postescanada.ca developer documentation): GET
// /vis/track/pin/{pin}/detail with HTTP Basic (the API key pair) and
// Accept: application/vnd.cpc.track-v2+xml. Occurrences are newest first
// with a numeric event identifier, local date and time and a zone
// abbreviation ("EST", "PDT"); events abroad carry a country name instead.
// Errors are a <messages> document; an unknown PIN is code 004 "No Pin
// History".

type cpCode struct {
	id, desc string
	want     status.Substatus
}

var canadaPostCodes = map[Kind]cpCode{
	KindInfoReceived:              {"3000", "Electronic information received from shipper", ""},
	KindAccepted:                  {"0100", "Item accepted at the Post Office", ""},
	KindArrivedFacility:           {"0100", "Item processed at postal facility", status.InTransitInTransit},
	KindDepartedFacility:          {"0100", "Item in transit", status.InTransitInTransit},
	KindArrivedDestinationCountry: {"0102", "International item has arrived in Canada", ""},
	KindCustomsProcessing:         {"0811", "Item presented to customs for review", ""},
	KindCustomsHeld:               {"0810", "Item held for customs review", ""},
	KindDutiesDue:                 {"0125", "Item held; payment of duties and taxes required", ""},
	KindCustomsCleared:            {"0812", "Item released by customs", ""},
	KindDelayed:                   {"0161", "Delivery may be delayed due to weather", ""},
	KindOutForDelivery:            {"0174", "Item out for delivery", ""},
	KindAttemptUnavailable:        {"0168", "Attempted delivery; recipient not at home. Notice card left", ""},
	KindAttemptAddress:            {"0154", "Attempted delivery; no access to the delivery address", ""},
	KindAvailableForPickup:        {"0118", "Item available for pickup at Post Office", ""},
	KindPickedUp:                  {"1421", "Item picked up at Post Office by the recipient", ""},
	KindDelivered:                 {"1496", "Item successfully delivered", ""},
	KindDeliveredSigned:           {"1496", "Item successfully delivered", ""},
	KindDeliveredNeighbour:        {"1496", "Item delivered to a neighbour", ""},
	KindDeliveredLocker:           {"1496", "Item delivered to parcel locker", ""},
	KindDamaged:                   {"1411", "Item damaged; repackaged at postal facility", ""},
	KindReturning:                 {"2414", "Item is being returned to the sender", ""},
	KindReturned:                  {"4700", "Item returned to sender", ""},
}

func canadaPostDialect() *dialect {
	return &dialect{
		slug: "canada-post",
		authorize: func(h *host, r *http.Request) bool {
			return basicOK(r, Username, Password)
		},
		errorReply: canadaPostError,
		expect:     func(k Kind) status.Substatus { return canadaPostCodes[k].want },
		routes: func(h *host) {
			h.handle("GET /vis/track/pin/{pin}/detail", opTrack, func(r *http.Request) reply { return canadaPostTrack(h, r) })
		},
	}
}

const cpMediaType = "application/vnd.cpc.track-v2+xml"

func canadaPostError(code int, c, msg string) reply {
	ns := "http://www.canadapost.ca/ws/track-v2"
	switch code {
	case http.StatusUnauthorized:
		c, msg, ns = "E002", "AAA Authentication Failure", "http://www.canadapost.ca/ws/messages"
	case http.StatusTooManyRequests:
		c, msg, ns = "Server", "Rejected by SLM Monitor", "http://www.canadapost.ca/ws/messages"
	default:
		if code >= 500 {
			c, msg = "Server", "Service unavailable"
		}
	}
	type message struct {
		Code        string `xml:"code"`
		Description string `xml:"description"`
	}
	body, _ := xml.MarshalIndent(struct {
		XMLName xml.Name  `xml:"messages"`
		NS      string    `xml:"xmlns,attr"`
		Msg     []message `xml:"message"`
	}{NS: ns, Msg: []message{{c, msg}}}, "", "  ")
	return xmlReply(code, cpMediaType, append([]byte(xml.Header), body...))
}

type cpOccurrence struct {
	Identifier  string `xml:"event-identifier"`
	Date        string `xml:"event-date"`
	Time        string `xml:"event-time"`
	Zone        string `xml:"event-time-zone"`
	Description string `xml:"event-description"`
	Signatory   string `xml:"signatory-name"`
	Site        string `xml:"event-site"`
	Province    string `xml:"event-province"`
	RetailID    string `xml:"event-retail-location-id"`
	RetailName  string `xml:"event-retail-name"`
}

func canadaPostTrack(h *host, r *http.Request) reply {
	if !strings.Contains(r.Header.Get("Accept"), cpMediaType) {
		return canadaPostError(http.StatusNotAcceptable, "Client", "Accept header must be "+cpMediaType)
	}
	pin := r.PathValue("pin")
	j, leg, steps, ok := h.lookup(pin)
	if !ok {
		return canadaPostError(http.StatusNotFound, "004", "No Pin History")
	}
	occ := make([]cpOccurrence, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		c, ok := canadaPostCodes[s.Kind]
		if !ok {
			c = cpCode{id: "0100", desc: s.Kind.Text()}
		}
		local := s.Local()
		o := cpOccurrence{Identifier: c.id, Date: local.Format("2006-01-02"), Time: local.Format("15:04:05"), Description: c.desc}
		if s.Place.Country == "CA" {
			o.Zone = local.Format("MST") // the zone abbreviation: EST, PDT, ...
			o.Site, o.Province = strings.ToUpper(s.Place.City), s.Place.State
		} else {
			o.Zone = strings.ToUpper(countryName(s.Place.Country)) // abroad: a country name, no offset
			o.Site = s.Place.City + "," + countryName(s.Place.Country)
		}
		if s.Kind == KindDeliveredSigned {
			o.Signatory = s.Detail
		}
		if s.Kind == KindAvailableForPickup || s.Kind == KindPickedUp {
			o.RetailName = "SHOPPERS DRUG MART #" + s.Place.PostalCode[:3]
		}
		occ = append(occ, o)
	}
	l := j.Legs[leg]
	body, _ := xml.MarshalIndent(struct {
		XMLName   xml.Name       `xml:"tracking-detail"`
		NS        string         `xml:"xmlns,attr"`
		PIN       string         `xml:"pin"`
		Active    string         `xml:"active-exists"`
		Expected  string         `xml:"expected-delivery-date"`
		Service   string         `xml:"service-name"`
		Signature string         `xml:"signature-image-exists"`
		Events    []cpOccurrence `xml:"significant-events>occurrence"`
	}{NS: "http://www.canadapost.ca/ws/track-v2", PIN: l.Number, Active: "1", Service: "Parcel - International Inbound",
		Signature: "false", Events: occ}, "", "  ")
	return xmlReply(http.StatusOK, cpMediaType, append([]byte(xml.Header), body...))
}
