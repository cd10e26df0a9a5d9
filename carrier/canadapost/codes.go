package canadapost

import (
	"strconv"
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// Code table. Facts: the event identifiers of Canada Post's documented
// tracking sample (20 signature image recorded, 0100 processed at postal
// facility, 0173 addressing error / possible delay, 0174 out for delivery,
// 1496 delivered) and the grouping of identifiers into delivered, out for
// delivery, ready for pickup, on hold, delivery failed, delayed and
// picked-up kept by the karrio Canada Post connector (LGPL-3.0; facts only,
// read in modules/connectors/canadapost units.py), with its incident
// reasons for the causes (refused, not home, business closed, access,
// customs documentation, duties, customs delay). The choice of our status
// for each group is ours. Identifiers are compared as integers because the
// service pads them with zeros ("0174").

// noStatus marks identifiers that carry no status meaning.
const noStatus = status.Substatus("")

type span struct {
	lo, hi int
	sub    status.Substatus
}

var spans = []span{
	{20, 20, noStatus}, // signature image recorded for online viewing

	// Picked up / processed. 0100 is "Item processed at postal facility".
	{100, 107, status.InTransitInTransit},
	{1400, 1405, status.InTransitInTransit},

	// Delayed.
	{159, 163, status.InTransitDelayed}, // weather
	{172, 173, status.InTransitDelayed}, // addressing error found, possible delay
	{2412, 2412, status.InTransitDelayed},

	// Out for delivery.
	{174, 174, status.OutForDeliveryOutForDelivery},
	{500, 500, status.OutForDeliveryOutForDelivery},

	// Ready for pickup.
	{118, 118, status.AvailableForPickupAvailableForPickup},
	{156, 156, status.AvailableForPickupAvailableForPickup},
	{1407, 1407, status.AvailableForPickupAvailableForPickup},
	{1410, 1410, status.AvailableForPickupAvailableForPickup},
	{1435, 1438, status.AvailableForPickupAvailableForPickup},
	{1479, 1479, status.AvailableForPickupAvailableForPickup},
	{1488, 1488, status.AvailableForPickupAvailableForPickup},
	{1701, 1701, status.AvailableForPickupAvailableForPickup},
	{2410, 2410, status.AvailableForPickupAvailableForPickup},

	// Delivered.
	{1408, 1409, status.DeliveredDelivered},
	{1421, 1434, status.DeliveredDelivered},
	{1441, 1442, status.DeliveredDelivered},
	{1496, 1499, status.DeliveredDelivered},

	// On hold.
	{117, 117, status.ExceptionDocumentsRequired},
	{120, 121, status.ExceptionDocumentsRequired},
	{125, 125, status.ExceptionDutiesDue},
	{127, 127, status.ExceptionDutiesDue},
	{1494, 1494, status.ExceptionDutiesDue},
	{810, 810, status.ExceptionCustomsHeld},
	{1443, 1443, status.ExceptionCustomsHeld},
	{1484, 1484, status.ExceptionCustomsHeld},
	{1487, 1487, status.ExceptionCustomsHeld},
	{1411, 1411, status.ExceptionOther},
	{1414, 1414, status.ExceptionOther},
	{2411, 2411, status.ExceptionOther},
	{2414, 2414, status.ExceptionOther},
	{4700, 4700, status.ExceptionOther},

	// Delivery failed.
	{150, 150, status.ExceptionRefused},
	{1415, 1416, status.ExceptionRefused},
	{167, 169, status.AttemptFailRecipientUnavailable},
	{1417, 1420, status.AttemptFailRecipientUnavailable},
	{183, 184, status.AttemptFailRecipientUnavailable},
	{190, 190, status.AttemptFailRecipientUnavailable},
	{179, 179, status.AttemptFailBusinessClosed},
	{181, 182, status.AttemptFailBusinessClosed},
	{154, 154, status.AttemptFailAddressIssue}, // no access
	{1482, 1483, status.AttemptFailAddressIssue},
	{1100, 1100, status.AttemptFailOther},
	{1450, 1450, status.AttemptFailOther},
	{1481, 1481, status.AttemptFailOther},
	{1491, 1493, status.AttemptFailOther},
	{2600, 2600, status.AttemptFailOther},
	{2802, 2802, status.AttemptFailOther},
	{3001, 3001, status.AttemptFailOther},
	{4650, 4650, status.AttemptFailOther},
}

// byIdentifier is spans expanded; built once, read only.
var byIdentifier = func() map[int]status.Substatus {
	m := map[int]status.Substatus{}
	for _, s := range spans {
		for n := s.lo; n <= s.hi; n++ {
			m[n] = s.sub
		}
	}
	return m
}()

// classify maps an occurrence to a substatus: the identifier table first,
// then (for identifiers it does not list) the classifier on the text; a
// generic result is sharpened by the text, and a delivery with a signatory
// is a signed delivery.
func classify(identifier, text string, signed bool, lang string) status.Substatus {
	n, err := strconv.Atoi(strings.TrimSpace(identifier))
	sub, known := byIdentifier[n]
	if err != nil || !known {
		sub = byText(text, lang)
	}
	if sub == noStatus {
		return noStatus
	}
	sub = refine(sub, text, lang)
	if sub == status.DeliveredDelivered && signed {
		sub = status.DeliveredSigned
	}
	return sub
}

// byText classifies a text when the code is unknown; a text the
// classifier does not recognise gives no status rather than a guess.
func byText(text, lang string) status.Substatus {
	r := status.ClassifyLang(text, lang)
	if r.Confidence <= 0 || !r.Substatus.Valid() || r.Status == status.Pending {
		return noStatus
	}
	return r.Substatus
}

// refine sharpens a generic substatus from the text, within its main
// status: first the multilingual classifier, then, for English text only,
// the keyword rules of the carrier package (they match substrings, so
// French "plateformes" would read as "late").
func refine(sub status.Substatus, text, lang string) status.Substatus {
	if sub != status.Generic(sub.Status()) || text == "" {
		return sub
	}
	if r := status.ClassifyLang(text, lang); r.Confidence > 0 && r.Status == sub.Status() && r.Substatus.Valid() &&
		r.Substatus != status.Generic(r.Status) {
		return r.Substatus
	}
	if lang != "en" {
		return sub
	}
	return carrier.RefineByText(sub, text)
}
