package postnl

import (
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// Code tables. Facts: PostNL's "T&T status codes" reference
// (developer.postnl.nl, reference data: status codes with their phases, and
// event codes with the status each one sets). The choice of our status for
// each PostNL status, and the event codes we read more precisely than their
// status, are ours.

// statusNotApplicable is status 99 "Niet van toepassing": no status meaning.
const statusNotApplicable = "99"

// noStatus marks events that carry no status meaning.
const noStatus = status.Substatus("")

// byStatus maps PostNL status codes to substatuses.
var byStatus = map[string]status.Substatus{
	"1":                 status.InfoReceivedInfoReceived,             // Zending voorgemeld
	"2":                 status.InTransitAccepted,                    // Zending in ontvangst genomen
	"3":                 status.InTransitAccepted,                    // Zending afgehaald (collected from the sender)
	"4":                 status.ExceptionOther,                       // Zending niet afgehaald (collection failed)
	"5":                 status.InTransitInTransit,                   // Zending gesorteerd
	"6":                 status.InTransitDelayed,                     // Zending niet gesorteerd
	"7":                 status.OutForDeliveryOutForDelivery,         // Zending in distributieproces
	"8":                 status.AttemptFailOther,                     // Zending niet afgeleverd
	"9":                 status.InTransitCustomsProcessing,           // Zending bij douane
	"11":                status.DeliveredDelivered,                   // Zending afgeleverd
	"12":                status.AvailableForPickupAvailableForPickup, // Zending beschikbaar op afhaallocatie
	"13":                status.InfoReceivedInfoReceived,             // Voorgemeld: nog niet aangenomen
	"14":                status.ExceptionOther,                       // Voorgemeld: definitief niet aangenomen
	"15":                status.InTransitDelayed,                     // Manco collectie
	"16":                status.InTransitDelayed,                     // Manco sortering
	"17":                status.InTransitDelayed,                     // Manco distributie
	"18":                status.ExceptionLost,                        // Definitief manco
	"19":                status.ExceptionOther,                       // Zending afgekeurd
	"20":                status.InTransitCustomsProcessing,           // Zending in inklaringsproces
	"21":                status.InTransitInTransit,                   // Zending in voorraad
	"22":                status.DeliveredPickedUp,                    // Zending afgehaald van Postkantoor
	"23":                status.InTransitAccepted,                    // Afhaalopdracht gecollecteerd
	"27":                status.ExceptionReturning,                   // Retour onbestelbaar
	"28":                status.ExceptionReturning,                   // Retour foutieve aflevercode
	"31":                status.InTransitInTransit,                   // Zending klaar voor transport naar land van bestemming
	statusNotApplicable: noStatus,
}

// byPhase is the fallback for a status code missing from byStatus.
var byPhase = map[string]status.Substatus{
	"1": status.InTransitInTransit, "2": status.InTransitInTransit, "3": status.InTransitInTransit,
	"4": status.DeliveredDelivered, "99": noStatus,
}

// eventStatus is PostNL's table of event codes and the status each sets,
// written as status code → event codes.
var eventStatus = invert(map[string]string{
	"1":  "A01 A10 A71 F01 J93 M03 X80 X81",
	"2":  "B01 X40",
	"3":  "B04 Z80",
	"4":  "D02 D03 D04 D05 D06 D07 D09 D40 D41 H31 X42 X43 Y80 Y81",
	"5":  "A08 A09 A11 A12 A13 A27 A28 A29 A30 A31 A32 A34 A35 A42 A43 A99 J01 J06 J07 J09 J10 J14 J16 J17 J22 J24 J26 J27 J28 J33 J36 J61 J90 Q12 Q13 R01 R06 X01 X02 X07 X08 X11 X14 X17 X20 X21 X22 X50 X51 X68 Y23 Y24 Y33 Y35 Y60 Y61 Y62",
	"6":  "D08 H10 K01 K02 K03 K30 K92 V01 V06 Y07",
	"7":  "H32 H35 J05 J08 J29 J39 J41 J42 J45 J47 J48 J55 J94 J95 K14 K15 K70 Q15 S05 T02 X04 X06 X19 X55 Y05",
	"8":  "H01 H02 H03 H04 H05 H07 H08 H09 H12 H20 H22 H24 H34 H36 H38 H51 H52 J92 K16 K41 K43 Y01 Y02 Y03 Y04 Y08 Y09 Y10 Y11 Y12 Y13 Y14 Y15 Y16 Y17 Y18 Y19 Y20 Y21 Y22 Y30 Y31 Y32 Y36 Y38 Y39 Y40 Y41 Y42 Y43 Y44 Y50 Y71",
	"9":  "J59 X30 X60 X61 X62 X63 X64 X65 X66 Y25 Y29",
	"11": "I01 I03 I05 I06 I07 I09 I10 I11 I12 I22 I23 J63 J91 K91 X24 Y26 Z01 Z02 Z03 Z04 Z05 Z06 Z08 Z09",
	"12": "I08 J02 J12 J23 J52 X05",
	"13": "A20 A21 A22 Q02 X03",
	"14": "M01",
	"15": "G03",
	"16": "G01 G02 G05",
	"17": "H23 K90",
	"19": "F03 F04 F05 F06 F07 F08 F10",
	"20": "A76 X10 X67",
	"21": "V02 V03 V04 V11 V12 V13 V21 V22 V23 V31 V50",
	"22": "I02",
	"23": "C01",
	"27": "H16 H25",
	"28": "Y37",
	"31": "A72 A74 A75 X15",
	"99": "A41 A46 A73 A94 B06 C02 H15 H17 H18 H30 J56 J80 K25 K71 P20 P21 P22 P23 P24 Q14 Q16 Q17 Q18 Q19 X16 X52 Y45 Y46 Y47 Y48 Y64 Y65 Y66",
})

func invert(m map[string]string) map[string]string {
	out := map[string]string{}
	for st, codes := range m {
		for _, c := range strings.Fields(codes) {
			out[c] = st
		}
	}
	return out
}

// byEvent names event codes whose description says more than the status
// they set: the kind of delivery, why a delivery failed, returns, customs
// outcomes, delays announced as "delivery time updated". A few status-99
// events with a clear meaning (a return, a cancellation, a delay) are read
// here too; the other status-99 events carry no status.
var byEvent = map[string]status.Substatus{
	// Collection and sorting.
	"D41": status.ExceptionCancelled, "H31": status.ExceptionCancelled, "R06": status.ExceptionCancelled,
	"H30": status.ExceptionCancelled, "H23": status.ExceptionCancelled,
	"Q12": status.InTransitDepartedOriginCountry, "X19": status.InTransitDepartedOriginCountry,
	"X02": status.InTransitArrivedDestinationCountry, "A76": status.InTransitArrivedDestinationCountry,
	"A74": status.InTransitAccepted, "B06": status.InTransitAccepted, "A73": status.InTransitAccepted,
	"V12": status.InTransitAccepted, "V13": status.InTransitAccepted, "V22": status.InTransitAccepted,
	"V23": status.InTransitAccepted, "V50": status.InTransitAccepted, "C02": status.InTransitAccepted,
	"K02": status.InTransitForwarded, "K03": status.InTransitForwarded,
	// "Sorry, delivery time has been updated", postponements, congestion, weather.
	"J07": status.InTransitDelayed, "J09": status.InTransitDelayed, "J14": status.InTransitDelayed,
	"J17": status.InTransitDelayed, "J22": status.InTransitDelayed, "J24": status.InTransitDelayed,
	"J26": status.InTransitDelayed, "J36": status.InTransitDelayed, "Y33": status.InTransitDelayed,
	"Y35": status.InTransitDelayed, "Y60": status.InTransitDelayed, "Y61": status.InTransitDelayed,
	"Y62": status.InTransitDelayed, "H32": status.InTransitDelayed, "T02": status.InTransitDelayed,
	"J39": status.InTransitDelayed, "J95": status.InTransitDelayed, "J92": status.InTransitDelayed,
	"Y08": status.InTransitDelayed, "V04": status.InTransitDelayed, "V31": status.InTransitDelayed,
	"K25": status.InTransitDelayed, "Y46": status.InTransitDelayed, "Y64": status.InTransitDelayed,
	"Y65": status.InTransitDelayed, "Y66": status.InTransitDelayed,
	// Failed attempts.
	"D08": status.AttemptFailRecipientUnavailable, "K14": status.AttemptFailRecipientUnavailable,
	"K71": status.AttemptFailRecipientUnavailable, "J94": status.AttemptFailRecipientUnavailable,
	"Y02": status.AttemptFailRecipientUnavailable, "Y10": status.AttemptFailRecipientUnavailable,
	"Y42": status.AttemptFailRecipientUnavailable,
	"J08": status.AttemptFailOther, "J29": status.AttemptFailOther, "K15": status.AttemptFailOther,
	"K70": status.AttemptFailOther, "J41": status.AttemptFailOther, "J42": status.AttemptFailOther,
	"J48": status.AttemptFailOther,
	"J16": status.AttemptFailAddressIssue, "K16": status.AttemptFailAddressIssue, "H36": status.AttemptFailAddressIssue,
	"Y01": status.AttemptFailAddressIssue, "Y17": status.AttemptFailAddressIssue, "Y22": status.AttemptFailAddressIssue,
	"Y30": status.AttemptFailAddressIssue, "Y31": status.AttemptFailAddressIssue, "Y32": status.AttemptFailAddressIssue,
	"Y41": status.AttemptFailAddressIssue,
	"Y43": status.AttemptFailBusinessClosed,
	// Exceptions.
	"H01": status.ExceptionRefused, "H38": status.ExceptionRefused, "Y03": status.ExceptionRefused,
	"Y13": status.ExceptionRefused, "Y44": status.ExceptionRefused, "Y50": status.ExceptionRefused,
	"Y09": status.ExceptionAddressIssue, "Y12": status.ExceptionAddressIssue,
	"H04": status.ExceptionDamaged, "H35": status.ExceptionDamaged, "Y04": status.ExceptionDamaged,
	"Y11": status.ExceptionDamaged, "Y14": status.ExceptionDamaged, "Y18": status.ExceptionDamaged,
	"H03": status.ExceptionUnclaimed, "Y20": status.ExceptionUnclaimed,
	"Y71": status.ExceptionLost,
	"K92": status.ExceptionDisposed, "Y29": status.ExceptionDisposed,
	"H02": status.ExceptionReturning, "H05": status.ExceptionReturning, "H07": status.ExceptionReturning,
	"H08": status.ExceptionReturning, "H09": status.ExceptionReturning, "H10": status.ExceptionReturning,
	"H12": status.ExceptionReturning, "H15": status.ExceptionReturning, "H17": status.ExceptionReturning,
	"H18": status.ExceptionReturning, "H20": status.ExceptionReturning, "H22": status.ExceptionReturning,
	"H24": status.ExceptionReturning, "H51": status.ExceptionReturning, "H52": status.ExceptionReturning,
	"K43": status.ExceptionReturning, "Y16": status.ExceptionReturning, "Y19": status.ExceptionReturning,
	"Y21": status.ExceptionReturning, "Y40": status.ExceptionReturning, "Y47": status.ExceptionReturning,
	"X20": status.ExceptionReturning, "X21": status.ExceptionReturning, "X22": status.ExceptionReturning,
	"I07": status.ExceptionReturned, "J63": status.ExceptionReturned, "X24": status.ExceptionReturned,
	"A20": status.ExceptionDutiesDue, "X67": status.ExceptionDutiesDue,
	"X10": status.ExceptionDocumentsRequired,
	"X66": status.ExceptionCustomsHeld,
	"X04": status.InTransitCustomsCleared, "X61": status.InTransitCustomsCleared, "X65": status.InTransitCustomsCleared,
	"X03": status.InTransitCustomsProcessing,
	"J59": status.OutForDeliveryOutForDelivery,
	"K91": status.ExceptionOther, "Y45": status.ExceptionOther, "Y48": status.ExceptionOther,
	"K90": noStatus, // "Status as yet unknown"
	// Deliveries.
	"I09": status.DeliveredLocker, "I10": status.DeliveredNeighbour, "Z05": status.DeliveredNeighbour,
	"I22": status.DeliveredPickedUp, "Z06": status.DeliveredPickedUp,
	"J23": status.AvailableForPickupAvailableForPickup, "Y26": status.AvailableForPickupAvailableForPickup,
}

// classifyEvent maps an event: its own code first (byEvent, then the status
// its code sets), then the status recorded at the same second (for codes
// outside PostNL's table, such as 01A/01B), then the text.
func classifyEvent(code, sameSecondStatus, text, lang string) status.Substatus {
	if sub, ok := byEvent[code]; ok {
		return sub
	}
	if st, ok := eventStatus[code]; ok {
		return classifyStatus(st, "", text, lang)
	}
	if sameSecondStatus != "" {
		return classifyStatus(sameSecondStatus, "", text, lang)
	}
	r := status.ClassifyLang(text, lang)
	if r.Confidence <= 0 || !r.Substatus.Valid() || r.Status == status.Pending {
		return noStatus
	}
	return refine(r.Substatus, text, lang)
}

// classifyStatus maps a PostNL status code (its phase when the code is
// unknown), sharpened by the text.
func classifyStatus(code, phase, text, lang string) status.Substatus {
	sub, ok := byStatus[code]
	if !ok {
		sub = byPhase[phase]
	}
	if sub == noStatus {
		return noStatus
	}
	return refine(sub, text, lang)
}

// refine sharpens a generic substatus from the text, within its main
// status: the multilingual classifier first, then, for English text only,
// the keyword rules of the carrier package (they match substrings, which
// Dutch words would trip).
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
