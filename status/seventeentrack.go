package status

// 17TRACK main statuses and sub-statuses. SOURCE: help.17track.net
// "Understanding Tracking Status (Main Status & Substatus)" and the v2.2/v2.4
// API documents, summarised in the project's research notes
// (anchors-features.md, section b).

// SeventeenTrackCode is a 17TRACK main status with its sub-status, e.g.
// {"InTransit", "InTransit_CustomsProcessing"}.
type SeventeenTrackCode struct {
	Status    string
	SubStatus string
}

// toSeventeenTrack maps every substatus to a sub-status from 17TRACK's
// official list (30 values). 17TRACK has fewer reasons than we do, so several
// of ours share one of theirs.
var toSeventeenTrack = map[Substatus]string{
	PendingPending:  "NotFound_Other",
	PendingNotFound: "NotFound_InvalidCode",

	InfoReceivedInfoReceived: "InfoReceived",

	InTransitInTransit:                 "InTransit_Other",
	InTransitAccepted:                  "InTransit_PickedUp",
	InTransitDepartedOriginCountry:     "InTransit_Departure",
	InTransitArrivedDestinationCountry: "InTransit_Arrival",
	InTransitCustomsProcessing:         "InTransit_CustomsProcessing",
	InTransitCustomsCleared:            "InTransit_CustomsReleased",
	InTransitDepartedFacility:          "InTransit_Other",
	InTransitArrivedFacility:           "InTransit_Other",
	InTransitHandedOver:                "InTransit_Other",
	InTransitForwarded:                 "InTransit_Other",
	InTransitDelayed:                   "InTransit_Other",

	OutForDeliveryOutForDelivery:       "OutForDelivery_Other",
	OutForDeliveryCustomerContacted:    "OutForDelivery_Other",
	OutForDeliveryAppointmentScheduled: "OutForDelivery_Other",

	AttemptFailRecipientUnavailable: "DeliveryFailure_NoBody",
	AttemptFailAddressIssue:         "DeliveryFailure_InvalidAddress",
	AttemptFailBusinessClosed:       "DeliveryFailure_Other",
	AttemptFailOther:                "DeliveryFailure_Other",

	AvailableForPickupAvailableForPickup: "AvailableForPickup_Other",

	DeliveredDelivered:     "Delivered_Other",
	DeliveredSigned:        "Delivered_Other",
	DeliveredPickedUp:      "Delivered_Other",
	DeliveredNeighbour:     "Delivered_Other",
	DeliveredLocker:        "Delivered_Other",
	DeliveredCashCollected: "Delivered_Other",

	ExceptionCustomsHeld:       "Exception_Security",
	ExceptionDutiesDue:         "Exception_Security",
	ExceptionDocumentsRequired: "Exception_Security",
	ExceptionAddressIssue:      "Exception_NoBody",
	ExceptionRefused:           "Exception_Rejected",
	ExceptionDamaged:           "Exception_Damage",
	ExceptionLost:              "Exception_Lost",
	ExceptionReturning:         "Exception_Returning",
	ExceptionReturned:          "Exception_Returned",
	ExceptionCancelled:         "Exception_Cancel",
	ExceptionDisposed:          "Exception_Destroyed",
	ExceptionDelayed:           "Exception_Delayed",
	ExceptionUnclaimed:         "Exception_Other",
	ExceptionOther:             "Exception_Other",

	ExpiredExpired: "Expired_Other",
}

// fromSeventeenTrack maps every official 17TRACK sub-status, plus two seen in
// China Post histories (InTransit_TransportArrived/Departed), to a substatus.
var fromSeventeenTrack = map[string]Substatus{
	"NotFound_Other":       PendingPending,
	"NotFound_InvalidCode": PendingNotFound,

	"InfoReceived": InfoReceivedInfoReceived,

	"InTransit_PickedUp":                    InTransitAccepted,
	"InTransit_Other":                       InTransitInTransit,
	"InTransit_Departure":                   InTransitDepartedOriginCountry,
	"InTransit_Arrival":                     InTransitArrivedDestinationCountry,
	"InTransit_CustomsProcessing":           InTransitCustomsProcessing,
	"InTransit_CustomsReleased":             InTransitCustomsCleared,
	"InTransit_CustomsRequiringInformation": ExceptionDocumentsRequired,
	"InTransit_TransportArrived":            InTransitArrivedFacility,
	"InTransit_TransportDeparted":           InTransitDepartedFacility,

	"Expired_Other":            ExpiredExpired,
	"AvailableForPickup_Other": AvailableForPickupAvailableForPickup,
	"OutForDelivery_Other":     OutForDeliveryOutForDelivery,
	"Delivered_Other":          DeliveredDelivered,

	"DeliveryFailure_Other":          AttemptFailOther,
	"DeliveryFailure_NoBody":         AttemptFailRecipientUnavailable,
	"DeliveryFailure_Security":       AttemptFailOther, // security/customs/fee problem at the door
	"DeliveryFailure_Rejected":       ExceptionRefused,
	"DeliveryFailure_InvalidAddress": AttemptFailAddressIssue,

	"Exception_Other":     ExceptionOther,
	"Exception_Returning": ExceptionReturning,
	"Exception_Returned":  ExceptionReturned,
	"Exception_NoBody":    ExceptionAddressIssue,
	"Exception_Security":  ExceptionCustomsHeld,
	"Exception_Damage":    ExceptionDamaged,
	"Exception_Rejected":  ExceptionRefused,
	"Exception_Delayed":   ExceptionDelayed,
	"Exception_Lost":      ExceptionLost,
	"Exception_Destroyed": ExceptionDisposed,
	"Exception_Cancel":    ExceptionCancelled,
}

// seventeenTrackMain maps our main statuses to 17TRACK's.
var seventeenTrackMain = map[Status]string{
	Pending: "NotFound", InfoReceived: "InfoReceived", InTransit: "InTransit",
	OutForDelivery: "OutForDelivery", AttemptFail: "DeliveryFailure",
	AvailableForPickup: "AvailableForPickup", Delivered: "Delivered",
	Exception: "Exception", Expired: "Expired",
}

// SeventeenTrack returns the 17TRACK main status and sub-status for s.
func (s Substatus) SeventeenTrack() (SeventeenTrackCode, bool) {
	sub, ok := toSeventeenTrack[s]
	if !ok {
		return SeventeenTrackCode{}, false
	}
	main, _, _ := cutUnderscore(sub)
	return SeventeenTrackCode{Status: main, SubStatus: sub}, true
}

// FromSeventeenTrack maps a 17TRACK sub-status (e.g.
// "InTransit_CustomsProcessing") to a substatus. A bare main status (e.g.
// "DeliveryFailure") yields the generic substatus of the matching status.
func FromSeventeenTrack(code string) (Substatus, bool) {
	if s, ok := fromSeventeenTrack[code]; ok {
		return s, true
	}
	main, _, _ := cutUnderscore(code)
	for st, m := range seventeenTrackMain {
		if m == main {
			return Generic(st), true
		}
	}
	return "", false
}
