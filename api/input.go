package api

import (
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
	"github.com/waypost/waypost/trackno"
)

// CreateTrackingBody is a tracking to create.
type CreateTrackingBody struct {
	TrackingNumber string `json:"tracking_number" minLength:"1" maxLength:"200" doc:"As printed or pasted: spaces, dashes, lower case and tracking links are understood"`
	Carrier        string `json:"carrier,omitempty" maxLength:"64" doc:"Carrier slug; detected from the number when absent"`
	Reference      string `json:"reference,omitempty" maxLength:"128" doc:"The seller's order number; unique per tenant"`
	// Customer is who the shipment is for.
	Customer           *CustomerInput    `json:"customer,omitempty"`
	OriginCountry      string            `json:"origin_country,omitempty" pattern:"^[A-Za-z]{2}$" doc:"ISO 3166-1 alpha-2"`
	DestinationCountry string            `json:"destination_country,omitempty" pattern:"^[A-Za-z]{2}$" doc:"ISO 3166-1 alpha-2"`
	PromisedDate       string            `json:"promised_date,omitempty" format:"date" doc:"YYYY-MM-DD"`
	OrderedAt          *time.Time        `json:"ordered_at,omitempty"`
	Service            string            `json:"service,omitempty" maxLength:"100"`
	Extra              map[string]string `json:"extra,omitempty" doc:"Extra keys some carriers need: postal_code, ship_date (YYYY-MM-DD), account"`
}

// CustomerInput is a customer as given.
type CustomerInput struct {
	Name     string   `json:"name,omitempty" maxLength:"200"`
	Email    string   `json:"email,omitempty" maxLength:"254"`
	Phone    string   `json:"phone,omitempty" maxLength:"40" doc:"Any usual notation; stored as E.164 using the destination country"`
	Language string   `json:"language,omitempty" maxLength:"35" doc:"BCP 47 tag"`
	Address  *Address `json:"address,omitempty"`
}

// confidentScore and confidentGap decide when a detected carrier is taken
// without asking: a strong match (a check digit or a distinctive prefix
// scores 0.9 and more) well ahead of the next candidate.
const (
	confidentScore = 0.85
	confidentGap   = 0.2
)

// resolveCarrier returns the normalised number and the carrier of a new
// tracking, detecting the carrier when not given.
func resolveCarrier(number, slug, origin, dest, loc string) (string, string, *Error) {
	slug = strings.ToLower(strings.TrimSpace(slug))
	res := trackno.DetectHints(number, trackno.Hints{Origin: strings.ToUpper(origin), Destination: strings.ToUpper(dest)})
	if slug != "" {
		if _, ok := carrier.Lookup(slug); !ok {
			return "", "", NewError(http.StatusUnprocessableEntity, CodeCarrierUnknown, fmt.Sprintf("unknown carrier %q; GET /api/v1/carriers lists them", slug),
				Detail{Location: loc + ".carrier", Message: "unknown carrier", Value: slug})
		}
		n := res.Number
		if n == "" {
			// A carrier's own format Waypost does not know: keep it as typed.
			n = strings.ToUpper(strings.Join(strings.Fields(number), ""))
		}
		if n == "" {
			return "", "", NewError(http.StatusUnprocessableEntity, CodeNumberInvalid, "empty tracking number",
				Detail{Location: loc + ".tracking_number", Message: "empty"})
		}
		return n, slug, nil
	}
	if !res.Valid || len(res.Candidates) == 0 {
		why := res.Error
		if why == "" {
			why = trackno.ErrNoFormat
		}
		return "", "", NewError(http.StatusUnprocessableEntity, CodeNumberInvalid,
			"the carrier cannot be detected: "+why+"; give the carrier slug",
			Detail{Location: loc + ".tracking_number", Message: why, Value: number})
	}
	best := res.Candidates[0]
	if len(res.Candidates) == 1 || (best.Score >= confidentScore && best.Score-res.Candidates[1].Score >= confidentGap) {
		return res.Number, best.Carrier, nil
	}
	e := NewError(http.StatusUnprocessableEntity, CodeCarrierAmbiguous,
		"the number fits several carriers; give the carrier slug",
		Detail{Location: loc + ".carrier", Message: "required for this number", Value: res.Number})
	e.Body.Candidates = toCandidates(res.Candidates, 5)
	return "", "", e
}

// buildShipment validates a create body into a shipment and parcel. loc
// is where the body is in the request, for error details.
func buildShipment(b *CreateTrackingBody, loc string) (store.NewTracking, []Warning, *Error) {
	var nt store.NewTracking
	number, slug, e := resolveCarrier(b.TrackingNumber, b.Carrier, b.OriginCountry, b.DestinationCountry, loc)
	if e != nil {
		return nt, nil, e
	}
	sh := shipment.Shipment{Reference: strings.TrimSpace(b.Reference), Service: strings.TrimSpace(b.Service),
		OriginCountry: strings.ToUpper(b.OriginCountry), DestinationCountry: strings.ToUpper(b.DestinationCountry)}
	if b.OrderedAt != nil {
		sh.OrderedAt = b.OrderedAt.UTC()
	}
	if b.PromisedDate != "" {
		d, err := time.Parse(time.DateOnly, b.PromisedDate)
		if err != nil {
			return nt, nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "promised_date is not a date",
				Detail{Location: loc + ".promised_date", Message: "want YYYY-MM-DD", Value: b.PromisedDate})
		}
		sh.PromisedDate = d
	}
	var warns []Warning
	if b.Customer != nil {
		c, w, e := buildContact(b.Customer, sh.DestinationCountry, loc+".customer")
		if e != nil {
			return nt, nil, e
		}
		sh.Customer, warns = c, w
	}
	nt.Shipment = sh
	nt.Parcel = shipment.Parcel{Carrier: slug, TrackingNumber: number, Extra: b.Extra, Leg: 1}
	return nt, warns, nil
}

// buildContact validates a customer: the email's syntax, the phone as
// E.164 (national numbers read in the destination country), the
// language tag; an incomplete address is accepted with a warning.
func buildContact(in *CustomerInput, dest, loc string) (shipment.Contact, []Warning, *Error) {
	c := shipment.Contact{Name: strings.TrimSpace(in.Name)}
	if v := strings.TrimSpace(in.Email); v != "" {
		addr, err := mail.ParseAddress(v)
		if err != nil || !strings.Contains(addr.Address[strings.LastIndexByte(addr.Address, '@')+1:], ".") {
			return c, nil, NewError(http.StatusUnprocessableEntity, CodeEmailInvalid, fmt.Sprintf("%q is not an email address", v),
				Detail{Location: loc + ".email", Message: "not an email address", Value: v})
		}
		c.Email = addr.Address
	}
	if in.Address != nil {
		a := in.Address
		c.Address = shipment.Address{Line1: strings.TrimSpace(a.Line1), Line2: strings.TrimSpace(a.Line2),
			City: strings.TrimSpace(a.City), Region: strings.TrimSpace(a.Region),
			PostalCode: strings.TrimSpace(a.PostalCode), Country: strings.ToUpper(strings.TrimSpace(a.Country))}
	}
	if v := strings.TrimSpace(in.Phone); v != "" {
		region := dest
		if region == "" {
			region = c.Address.Country
		}
		e164, reason := toE164(v, region)
		if reason != "" {
			return c, nil, NewError(http.StatusUnprocessableEntity, CodePhoneInvalid, fmt.Sprintf("%q: %s", v, reason),
				Detail{Location: loc + ".phone", Message: reason, Value: v})
		}
		c.Phone = e164
	}
	if v := strings.TrimSpace(in.Language); v != "" {
		tag, err := language.Parse(v)
		if err != nil {
			return c, nil, NewError(http.StatusUnprocessableEntity, CodeValidation, fmt.Sprintf("%q is not a BCP 47 language tag", v),
				Detail{Location: loc + ".language", Message: "not a BCP 47 language tag", Value: v})
		}
		c.Language = tag.String()
	}
	var warns []Warning
	if in.Address != nil {
		if missing := missingAddressParts(c.Address); len(missing) > 0 {
			warns = append(warns, Warning{Code: "address_incomplete", Field: loc + ".address",
				Message: "the address lacks " + strings.Join(missing, ", ") + "; notifications and carriers may need it"})
		}
	}
	return c, warns, nil
}

// toE164 parses a phone number; national notation is read in region.
func toE164(v, region string) (string, string) {
	if !strings.HasPrefix(v, "+") && !strings.HasPrefix(v, "00") && region == "" {
		return "", "a national number needs destination_country (or an international +CC number)"
	}
	num, err := phonenumbers.Parse(v, region)
	if err != nil {
		return "", "not a phone number"
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", "not a valid phone number for its country"
	}
	return phonenumbers.Format(num, phonenumbers.E164), ""
}

// noPostalCodes are countries without a postal code system, where a
// missing code is no gap. SOURCE: the UPU's "Postal addressing systems in
// member countries" pages, where these countries list no postcode; kept
// conservative (a country missing here only costs a needless warning).
var noPostalCodes = map[string]bool{
	"AE": true, "AG": true, "AO": true, "AW": true, "BF": true, "BI": true, "BJ": true, "BO": true, "BS": true,
	"BW": true, "BZ": true, "CD": true, "CF": true, "CG": true, "CI": true, "CM": true, "DJ": true, "DM": true,
	"ER": true, "FJ": true, "GA": true, "GD": true, "GH": true, "GM": true, "GQ": true, "GY": true, "HK": true,
	"KI": true, "KM": true, "KN": true, "LC": true, "ML": true, "MO": true, "MR": true, "MW": true, "NR": true,
	"QA": true, "RW": true, "SB": true, "SC": true, "SL": true, "SR": true, "ST": true, "SY": true, "TD": true,
	"TG": true, "TL": true, "TO": true, "TT": true, "TV": true, "UG": true, "VU": true, "YE": true, "ZW": true,
}

func missingAddressParts(a shipment.Address) []string {
	var out []string
	if a.Line1 == "" {
		out = append(out, "line1")
	}
	if a.City == "" {
		out = append(out, "city")
	}
	if a.PostalCode == "" && !noPostalCodes[a.Country] {
		out = append(out, "postal_code")
	}
	if a.Country == "" {
		out = append(out, "country")
	}
	return out
}
