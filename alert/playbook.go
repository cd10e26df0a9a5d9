package alert

// Playbook is what a support agent needs for one alert kind: the likely
// causes and the recommended actions, in the order to try them.
type Playbook struct {
	Kind    Kind     `json:"kind"`
	Title   string   `json:"title"`
	Causes  []string `json:"causes"`
	Actions []string `json:"actions"`
}

// PlaybookFor returns the playbook of a kind. The advice follows the
// carriers' published claim and trace rules: most accept a trace request
// after 5-7 days without a scan, declare a parcel lost only after the
// trace, and pay damage or loss claims against proof of value (invoice or
// receipt) and, for damage, photos of the packaging and contents.
func PlaybookFor(k Kind) Playbook {
	p := playbooks[k]
	p.Kind = k
	return p
}

var playbooks = map[Kind]Playbook{
	Stalled: {
		Title:  "No update for longer than usual",
		Causes: []string{"waiting for a flight or a consolidated container", "a scan was missed at a hub", "backlog at a sorting centre or a public holiday", "the label was printed but the parcel was never handed over"},
		Actions: []string{"check the carrier's own tracking page and service alerts",
			"ask the carrier whether the parcel is in their network",
			"if there is still no scan after 7 days, open an investigation (trace) with the carrier",
			"tell the buyer it is being checked and give a new estimate"},
	},
	InvestigationDue: {
		Title:  "No update for 7 days: open a carrier investigation",
		Causes: []string{"the parcel is missorted or lost in the network", "the label came off", "held without a scan at customs or a gateway"},
		Actions: []string{"open an investigation (trace request) with the carrier now, with the tracking number, addresses, contents and value",
			"if the carrier declares it lost, file a claim with proof of the transaction (invoice or receipt)",
			"offer the buyer a replacement or a refund, whichever they prefer",
			"note the carrier's case number in this case"},
	},
	CustomsDelay: {
		Title:  "Held at customs longer than usual",
		Causes: []string{"import duties or taxes are unpaid", "the commercial invoice or product description is missing or unclear", "the HS code is missing or wrong", "random inspection"},
		Actions: []string{"send the carrier a commercial invoice with a clear product description, HS code and value",
			"agree with the buyer who pays duties and taxes (DDP: you; DAP: the buyer) and tell them how to pay",
			"ask the carrier's brokerage team what exactly is missing",
			"if the buyer refuses the charges, arrange return or abandonment before storage fees grow"},
	},
	DocumentsRequired: {
		Title:  "Customs asks for documents",
		Causes: []string{"missing commercial invoice", "the recipient's tax or ID number is needed (e.g. for China, Brazil, Korea)", "restricted goods need a licence or certificate"},
		Actions: []string{"send the commercial invoice, HS code and product description to the carrier",
			"ask the buyer for any ID or tax number the destination requires",
			"answer within the deadline in the carrier's notice, or the parcel goes back"},
	},
	FailedDelivery: {
		Title:  "Delivery failed",
		Causes: []string{"nobody was home to receive or sign", "the address is incomplete or wrong (flat number, postcode)", "the business was closed", "the recipient refused the parcel"},
		Actions: []string{"confirm the address and phone number with the buyer",
			"pass corrections to the carrier and book a re-delivery, or redirect to a pickup point",
			"if the buyer refused it, ask why and arrange the return"},
	},
	PickupUncollected: {
		Title:  "Waiting at a pickup point",
		Causes: []string{"the buyer did not see the notice", "the buyer is away", "the pickup point is inconvenient"},
		Actions: []string{"remind the buyer where the parcel is, what to bring (ID, notice) and the last day to collect",
			"ask the carrier to extend the hold or redeliver",
			"uncollected parcels go back to the sender after the hold period (often 7-14 days)"},
	},
	Returning: {
		Title:  "On its way back to the sender",
		Causes: []string{"refused by the recipient", "not collected in time", "address could not be found", "customs charges were not paid"},
		Actions: []string{"ask the carrier why it is being returned",
			"contact the buyer: resend to a corrected address, or refund once it is back"},
	},
	Returned: {
		Title:   "Returned to the sender",
		Causes:  []string{"refused, uncollected or undeliverable"},
		Actions: []string{"check the parcel back into stock", "resend with a corrected address or refund the buyer", "close the case with the outcome"},
	},
	Damaged: {
		Title:  "Damaged in transit",
		Causes: []string{"packaging not strong enough for the route", "rough handling at a hub"},
		Actions: []string{"ask the buyer for photos of the outer packaging, the inner packaging and the damaged contents",
			"file a damage claim with the carrier with the photos and proof of value, before the carrier's deadline",
			"keep the packaging until the claim is settled",
			"resend or refund the buyer without waiting for the claim"},
	},
	Lost: {
		Title:  "Declared lost",
		Causes: []string{"lost in the carrier's network"},
		Actions: []string{"file a claim with the carrier with proof of the transaction (invoice or receipt) and value",
			"resend or refund the buyer now",
			"record the claim number and the payout in this case"},
	},
	Late: {
		Title:  "Later than promised",
		Causes: []string{"a delay in the network or at customs", "the promise did not allow for the lane's usual transit time"},
		Actions: []string{"tell the buyer, apologise and give the new estimate",
			"consider refunding the shipping fee for a paid fast service",
			"review the promised transit time for this lane"},
	},
}
