package dhl

import (
	"strings"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// UTAPI's statusCode is its only code (facts: the OpenAPI enum
// pre-transit, transit, delivered, failure, unknown). It sets the main
// status; the text, in whatever language DHL answered, may only move the
// event to a status the code allows, because the code is DHL's own verdict
// and a text classifier can misread. The choice of statuses is ours.
type codeRule struct {
	base    status.Substatus // "" when the code says nothing
	allowed []status.Status  // statuses the text may lead to; nil: any
}

var codeRules = map[string]codeRule{
	"pre-transit": {status.InfoReceivedInfoReceived, []status.Status{status.InfoReceived}},
	// "transit" covers everything between acceptance and delivery: out for
	// delivery, waiting in a Packstation, a failed attempt, a return.
	"transit": {status.InTransitInTransit, []status.Status{status.InTransit, status.OutForDelivery,
		status.AvailableForPickup, status.AttemptFail, status.Exception}},
	// A parcel put in a Packstation or Filiale is sometimes reported as
	// delivered although the recipient still has to collect it.
	"delivered": {status.DeliveredDelivered, []status.Status{status.Delivered, status.AvailableForPickup}},
	"failure":   {status.ExceptionOther, []status.Status{status.Exception, status.AttemptFail}},
	// "unknown": DHL could not tell; only the text can.
	"unknown": {"", nil},
}

// minConfidence is the classifier confidence below which a text is not
// trusted to change what the code says.
const minConfidence = 0.5

// classify maps an event's statusCode and text to a substatus, and returns
// the language of the text (lang when known, else the detected one).
func classify(code, txt, lang string) (status.Substatus, string) {
	rule, known := codeRules[strings.ToLower(strings.TrimSpace(code))]
	if !known {
		rule = codeRule{} // an undocumented code: like "unknown"
	}
	res := status.ClassifyLang(txt, lang)
	if lang == "" && res.Language != status.Unknown {
		lang = res.Language
	}
	sub := rule.base
	if res.Confidence >= minConfidence && res.Status != status.Pending && allows(rule, res.Status) {
		switch {
		case sub == "" || res.Status != sub.Status():
			sub = res.Substatus
		case res.Substatus != status.Generic(res.Status):
			sub = res.Substatus // same status, more specific reason
		}
	}
	if sub == "" {
		return "", lang
	}
	if sub == status.InTransitInTransit {
		low := strings.ToLower(txt)
		for _, p := range expressPhrases {
			if strings.Contains(low, p.text) {
				return p.sub, lang
			}
		}
	}
	// English keywords the classifier may not weigh (Express texts).
	return carrier.RefineByText(sub, txt), lang
}

// expressPhrases are DHL Express wordings whose meaning generic keyword
// rules get wrong ("clearance processing complete" is a release, not a
// clearance in progress). Checked on in-transit events only.
var expressPhrases = []struct {
	text string
	sub  status.Substatus
}{
	{"clearance processing complete", status.InTransitCustomsCleared},
	{"clearance event", status.InTransitCustomsProcessing},
	{"processed for clearance", status.InTransitCustomsProcessing},
}

func allows(r codeRule, s status.Status) bool {
	if r.allowed == nil {
		return true
	}
	for _, a := range r.allowed {
		if a == s {
			return true
		}
	}
	return false
}
