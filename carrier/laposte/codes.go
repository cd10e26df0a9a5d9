package laposte

import (
	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// Code table. Facts: La Poste's Suivi event codes and their meanings (DR1
// "Déclaratif réceptionné", PC1 "Pris en charge", PC2 "Pris en charge dans
// le pays d'expédition", ET1–ET4 "En cours de traitement" (in the network,
// the origin country, the destination country, a transit country), EP1 "En
// attente de présentation", DO1/DO2/DO3 "Entrée en / Sortie de / Retenu en
// douane", PB1/PB2 "Problème en cours / résolu", MD2 "Mis en distribution",
// ND1 "Non distribuable", AG1 "En attente d'être retiré au guichet", RE1
// "Retourné à l'expéditeur", DI1 "Distribué", DI2 "Distribué à
// l'expéditeur"), as listed by La Poste's developer documentation and
// repeated in open-source integrations; the labels of the documented sample
// (ET2 "prêt à partir de son territoire d'expédition", ET3 "arrivé dans le
// pays du destinataire", MD2 "dans le site de livraison ... le mettre en
// livraison"). The choice of our status for each code is ours.
var byCode = map[string]status.Substatus{
	"DR1": status.InfoReceivedInfoReceived,
	"PC1": status.InTransitAccepted,
	"PC2": status.InTransitAccepted,
	"ET1": status.InTransitInTransit,
	// Ready to leave the origin territory, handed to the carrier that takes
	// it abroad: the last origin-country event La Poste gives.
	"ET2": status.InTransitDepartedOriginCountry,
	"ET3": status.InTransitArrivedDestinationCountry,
	"ET4": status.InTransitInTransit,
	"EP1": status.InTransitInTransit,
	"DO1": status.InTransitCustomsProcessing,
	"DO2": status.InTransitCustomsCleared,
	"DO3": status.ExceptionCustomsHeld,
	"PB1": status.ExceptionOther,
	"PB2": status.InTransitInTransit,
	"MD2": status.OutForDeliveryOutForDelivery,
	"ND1": status.AttemptFailOther,
	"AG1": status.AvailableForPickupAvailableForPickup,
	"RE1": status.ExceptionReturning,
	"DI1": status.DeliveredDelivered,
	"DI2": status.ExceptionReturned,
}

// noStatus marks events without status meaning.
const noStatus = status.Substatus("")

// classify maps an event to a substatus: the code table first, then (for
// codes it does not list) the classifier on the label; a generic result is
// sharpened by the label.
func classify(code, label, lang string) status.Substatus {
	sub, ok := byCode[code]
	if !ok {
		r := status.ClassifyLang(label, lang)
		if r.Confidence <= 0 || !r.Substatus.Valid() || r.Status == status.Pending {
			return noStatus
		}
		sub = r.Substatus
	}
	return refine(sub, label, lang)
}

// refine sharpens a generic substatus from the label, within its main
// status: the multilingual classifier first, then, for English text only,
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
