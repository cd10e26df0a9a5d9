package status

// AfterShip tags and subtags. SOURCE: AfterShip "Delivery Statuses" (2025-01)
// and "Delivery Sub-statuses" (2025-04, 2026-07) enum pages, summarised in the
// project's research notes (anchors-features.md, section b).

// AfterShipCode is an AfterShip tag with its subtag, e.g. {"Exception",
// "Exception_004"}.
type AfterShipCode struct {
	Tag    string
	Subtag string
}

// toAfterShip maps every substatus to the subtag AfterShip documents for it.
// Where AfterShip has no matching subtag the generic one of the same tag is
// used, so the tag always agrees with our main status.
var toAfterShip = map[Substatus]string{
	PendingPending:  "Pending_001",
	PendingNotFound: "Pending_001",

	InfoReceivedInfoReceived: "InfoReceived_001",

	InTransitInTransit:                 "InTransit_001",
	InTransitAccepted:                  "InTransit_002",
	InTransitArrivedFacility:           "InTransit_003",
	InTransitArrivedDestinationCountry: "InTransit_004",
	InTransitCustomsCleared:            "InTransit_005",
	InTransitCustomsProcessing:         "InTransit_006",
	InTransitDepartedFacility:          "InTransit_007",
	InTransitDepartedOriginCountry:     "InTransit_007",
	InTransitForwarded:                 "InTransit_009",
	InTransitHandedOver:                "InTransit_001",
	InTransitDelayed:                   "InTransit_001",

	OutForDeliveryOutForDelivery:       "OutForDelivery_001",
	OutForDeliveryCustomerContacted:    "OutForDelivery_003",
	OutForDeliveryAppointmentScheduled: "OutForDelivery_004",

	AttemptFailOther:                "AttemptFail_001",
	AttemptFailRecipientUnavailable: "AttemptFail_002",
	AttemptFailBusinessClosed:       "AttemptFail_003",
	AttemptFailAddressIssue:         "AttemptFail_001",

	AvailableForPickupAvailableForPickup: "AvailableForPickup_001",

	DeliveredDelivered:     "Delivered_001",
	DeliveredPickedUp:      "Delivered_002",
	DeliveredSigned:        "Delivered_003",
	DeliveredCashCollected: "Delivered_004",
	DeliveredNeighbour:     "Delivered_005",
	DeliveredLocker:        "Delivered_001",

	ExceptionOther:             "Exception_001",
	ExceptionRefused:           "Exception_003",
	ExceptionCustomsHeld:       "Exception_004",
	ExceptionDelayed:           "Exception_005",
	ExceptionDutiesDue:         "Exception_006",
	ExceptionAddressIssue:      "Exception_007",
	ExceptionUnclaimed:         "Exception_008",
	ExceptionReturning:         "Exception_010",
	ExceptionReturned:          "Exception_011",
	ExceptionDamaged:           "Exception_012",
	ExceptionLost:              "Exception_013",
	ExceptionDocumentsRequired: "Exception_018",
	ExceptionCancelled:         "Exception_020",
	ExceptionDisposed:          "Exception_021",

	ExpiredExpired: "Expired_001",
}

// fromAfterShip maps every documented AfterShip subtag back to a substatus.
// Subtags whose meaning we did not read (Exception_014/015, InTransit_010–013,
// Pending_002–006) fall back to the generic substatus of their tag.
var fromAfterShip = map[string]Substatus{
	"Pending_001": PendingPending, "Pending_002": PendingPending, "Pending_003": PendingPending,
	"Pending_004": PendingPending, "Pending_005": PendingPending, "Pending_006": PendingPending,

	"InfoReceived_001": InfoReceivedInfoReceived,

	"InTransit_001": InTransitInTransit,
	"InTransit_002": InTransitAccepted,
	"InTransit_003": InTransitArrivedFacility,
	"InTransit_004": InTransitArrivedDestinationCountry,
	"InTransit_005": InTransitCustomsCleared,
	"InTransit_006": InTransitCustomsProcessing,
	"InTransit_007": InTransitDepartedFacility,
	"InTransit_008": InTransitInTransit, // problem resolved, moving again
	"InTransit_009": InTransitForwarded,
	"InTransit_010": InTransitInTransit,
	"InTransit_011": InTransitInTransit,
	"InTransit_012": InTransitInTransit,
	"InTransit_013": InTransitInTransit,

	"OutForDelivery_001": OutForDeliveryOutForDelivery,
	"OutForDelivery_002": AvailableForPickupAvailableForPickup, // older table: ready for pickup
	"OutForDelivery_003": OutForDeliveryCustomerContacted,
	"OutForDelivery_004": OutForDeliveryAppointmentScheduled,

	"AttemptFail_001": AttemptFailOther,
	"AttemptFail_002": AttemptFailRecipientUnavailable,
	"AttemptFail_003": AttemptFailBusinessClosed,

	"AvailableForPickup_001": AvailableForPickupAvailableForPickup,

	"Delivered_001": DeliveredDelivered,
	"Delivered_002": DeliveredPickedUp,
	"Delivered_003": DeliveredSigned,
	"Delivered_004": DeliveredCashCollected,
	"Delivered_005": DeliveredNeighbour,

	"Exception_001": ExceptionOther,
	"Exception_002": ExceptionAddressIssue, // customer moved
	"Exception_003": ExceptionRefused,
	"Exception_004": ExceptionCustomsHeld,
	"Exception_005": ExceptionDelayed,
	"Exception_006": ExceptionDutiesDue,
	"Exception_007": ExceptionAddressIssue,
	"Exception_008": ExceptionUnclaimed,
	"Exception_009": ExceptionOther, // rejected by carrier
	"Exception_010": ExceptionReturning,
	"Exception_011": ExceptionReturned,
	"Exception_012": ExceptionDamaged,
	"Exception_013": ExceptionLost,
	"Exception_014": ExceptionOther,
	"Exception_015": ExceptionOther,
	"Exception_016": ExceptionDelayed, // processing issue
	"Exception_017": ExceptionDelayed, // extreme weather
	"Exception_018": ExceptionDocumentsRequired,
	"Exception_019": ExceptionDelayed, // late flight
	"Exception_020": ExceptionCancelled,
	"Exception_021": ExceptionDisposed,

	"Expired_001": ExpiredExpired,
}

// afterShipTags maps our main statuses to AfterShip tags.
var afterShipTags = map[Status]string{
	Pending: "Pending", InfoReceived: "InfoReceived", InTransit: "InTransit",
	OutForDelivery: "OutForDelivery", AttemptFail: "AttemptFail",
	AvailableForPickup: "AvailableForPickup", Delivered: "Delivered",
	Exception: "Exception", Expired: "Expired",
}

// AfterShip returns the AfterShip tag and subtag for a substatus.
func (s Substatus) AfterShip() (AfterShipCode, bool) {
	sub, ok := toAfterShip[s]
	if !ok {
		return AfterShipCode{}, false
	}
	tag, _, _ := cutUnderscore(sub)
	return AfterShipCode{Tag: tag, Subtag: sub}, true
}

// FromAfterShip maps an AfterShip subtag (e.g. "Exception_004") to a
// substatus. A bare tag (e.g. "Exception") yields the generic substatus of the
// matching main status.
func FromAfterShip(code string) (Substatus, bool) {
	if s, ok := fromAfterShip[code]; ok {
		return s, true
	}
	tag, _, _ := cutUnderscore(code)
	for st, t := range afterShipTags {
		if t == tag {
			return Generic(st), true
		}
	}
	return "", false
}

func cutUnderscore(v string) (before, after string, found bool) {
	for i := 0; i < len(v); i++ {
		if v[i] == '_' {
			return v[:i], v[i+1:], true
		}
	}
	return v, "", false
}
