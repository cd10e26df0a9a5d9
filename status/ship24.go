package status

// Ship24 statusMilestone values. SOURCE: docs.ship24.com/status and the Ship24
// OpenAPI document (statistics.timestamps), summarised in the project's
// research notes (anchors-features.md, section b).

var toShip24 = map[Status]string{
	Pending:            "pending",
	InfoReceived:       "info_received",
	InTransit:          "in_transit",
	OutForDelivery:     "out_for_delivery",
	AttemptFail:        "failed_attempt",
	AvailableForPickup: "available_for_pickup",
	Delivered:          "delivered",
	Exception:          "exception",
	// Ship24 has no expired milestone; an expired parcel is one without
	// usable events, which Ship24 reports as pending.
	Expired: "pending",
}

// Ship24Milestone returns the Ship24 statusMilestone for a main status.
func (s Status) Ship24Milestone() string { return toShip24[s] }

// FromShip24Milestone maps a Ship24 statusMilestone to a main status.
func FromShip24Milestone(m string) (Status, bool) {
	switch m {
	case "failed_attempt":
		return AttemptFail, true
	case "pending":
		return Pending, true
	}
	for st, v := range toShip24 {
		if v == m && st != Expired {
			return st, true
		}
	}
	return "", false
}
