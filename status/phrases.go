package status

// Short names for the phrase tables only.
const (
	xNotFound  = PendingNotFound
	xInfo      = InfoReceivedInfoReceived
	xTransit   = InTransitInTransit
	xAccepted  = InTransitAccepted
	xDepFac    = InTransitDepartedFacility
	xArrFac    = InTransitArrivedFacility
	xDepOrigin = InTransitDepartedOriginCountry
	xArrDest   = InTransitArrivedDestinationCountry
	xCustoms   = InTransitCustomsProcessing
	xCleared   = InTransitCustomsCleared
	xHandedOvr = InTransitHandedOver
	xForwarded = InTransitForwarded
	xLate      = InTransitDelayed
	xOFD       = OutForDeliveryOutForDelivery
	xContacted = OutForDeliveryCustomerContacted
	xAppoint   = OutForDeliveryAppointmentScheduled
	xNoOne     = AttemptFailRecipientUnavailable
	xClosed    = AttemptFailBusinessClosed
	xAttAddr   = AttemptFailAddressIssue
	xAttempt   = AttemptFailOther
	xPickup    = AvailableForPickupAvailableForPickup
	xDelivered = DeliveredDelivered
	xSigned    = DeliveredSigned
	xPickedUp  = DeliveredPickedUp
	xNeighbour = DeliveredNeighbour
	xLocker    = DeliveredLocker
	xCash      = DeliveredCashCollected
	xHeld      = ExceptionCustomsHeld
	xDuties    = ExceptionDutiesDue
	xDocs      = ExceptionDocumentsRequired
	xAddress   = ExceptionAddressIssue
	xRefused   = ExceptionRefused
	xDamaged   = ExceptionDamaged
	xLost      = ExceptionLost
	xReturning = ExceptionReturning
	xReturned  = ExceptionReturned
	xCancelled = ExceptionCancelled
	xDisposed  = ExceptionDisposed
	xDelayed   = ExceptionDelayed
	xUnclaimed = ExceptionUnclaimed
	xException = ExceptionOther
)

// phraseTables holds every language's phrases. The phrases generalise the
// wording of carrier texts read in carrier documentation and public samples
// (sources are noted per table); they are stems and fixed expressions, not
// copies of whole event lines.
var phraseTables = []phraseTable{
	english, german, french, spanish, portuguese, italian, dutch, polish, turkish,
	chinese, japanese, korean, russian, arabic,
}
