package status

import (
	"strings"
	"testing"
)

// The texts below are made-up minimal examples of the negation and future
// rules (markers.go), not carrier texts: each isolates one part of the rule.

type ruleCase struct {
	text string
	want Substatus
}

func checkRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		got := Classify(c.text)
		if got.Substatus != c.want || got.Status != c.want.Status() {
			t.Errorf("Classify(%q) = %s (%.2f, %s), want %s", c.text, got.Substatus, got.Confidence, got.Language, c.want)
		}
		if got.Confidence <= 0 || got.Confidence > 1 {
			t.Errorf("Classify(%q): confidence %.2f", c.text, got.Confidence)
		}
	}
}

func TestNegationFlipsDelivered(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{"Your parcel was not delivered", AttemptFailOther},
		{"The parcel has never been delivered", AttemptFailOther},
		{"Your parcel wasn't delivered", AttemptFailOther},
		{"Your parcel hasn’t been delivered", AttemptFailOther}, // typographic apostrophe
		{"Parcel could not be delivered to the neighbour", AttemptFailOther},
		{"No se ha entregado", AttemptFailOther},
		{"El paquete no ha sido entregado", AttemptFailOther},
		{"Nous n'avons pas pu livrer votre colis", AttemptFailOther},
		{"Le colis n'a pas été livré", AttemptFailOther},
		{"Die Sendung wurde nicht an den Empfänger zugestellt", AttemptFailOther},
		{"Die Sendung wurde nicht beim Nachbarn zugestellt", AttemptFailOther},
		{"Il pacco non è stato consegnato", AttemptFailOther},
		{"O objeto não foi entregue", AttemptFailOther},
		{"Het pakket werd niet bij u bezorgd", AttemptFailOther},
		{"Przesyłka nie została doręczona", AttemptFailOther},
		{"Не доставлено", AttemptFailOther},
		{"快件未签收", AttemptFailOther},
		{"لم يتم التسليم", AttemptFailOther},
		// A failed attempt keeps its reason.
		{"Your parcel was not delivered, recipient not at home", AttemptFailRecipientUnavailable},
		// A collection by the recipient that did not happen: unclaimed.
		{"The parcel has not been picked up by the recipient", ExceptionUnclaimed},
		// Clearance that did not happen is still in progress.
		{"Import customs not cleared", InTransitCustomsProcessing},
	})
}

func TestNegationNotYet(t *testing.T) {
	// "Not yet delivered" is still to come, not a failed attempt.
	checkRuleCases(t, []ruleCase{
		{"Your parcel has not yet been delivered", InTransitInTransit},
		{"Your parcel has not been delivered yet", InTransitInTransit},
		{"Die Sendung wurde noch nicht an Sie zugestellt", InTransitInTransit},
		{"Le colis n'a pas encore été livré", InTransitInTransit},
		{"El envío todavía no ha sido entregado", InTransitInTransit},
		{"快件尚未签收", InTransitInTransit},
	})
}

func TestNegationReach(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		// A clause break ends a negation's reach.
		{"Recipient not at home. Delivered to neighbour", DeliveredNeighbour},
		{"Nicht vergessen: Ihre Sendung wurde zugestellt", DeliveredDelivered},
		// A negator that belongs to another phrase ("not home") is used up.
		{"Recipient not home delivered to neighbour", DeliveredNeighbour},
		{"Not home - delivered to neighbour", DeliveredNeighbour},
		{"Parcel not picked-up by the recipient", ExceptionUnclaimed},
		// A negator reaches the first phrase after it only.
		{"Sin novedad entregado", DeliveredDelivered},
		{"Not sorted at the hub delivered", DeliveredDelivered},
		// Too far away: more than two words between.
		{"Could not scan the label at the depot but the parcel was delivered", DeliveredDelivered},
		// A date or time does not end a clause; numbers are not words.
		{"Die Sendung wird voraussichtlich am 12.05. zugestellt", InTransitInTransit},
		// "No." before a number abbreviates "number".
		{"Envío No. 123 entregado", DeliveredDelivered},
		// A negator of another language than the phrase and the text.
		{"Parcel from Pas de Calais delivered", DeliveredDelivered},
		// A negated modifier does not sharpen: no signature was taken.
		{"Delivered without signature", DeliveredDelivered},
		{"Delivered, no signature required", DeliveredDelivered},
		{"Delivered, signed by J. Smith", DeliveredSigned},
		// A failed attempt's reason keeps its own negation.
		{"Delivery attempted - no access to delivery location", AttemptFailAddressIssue},
		// A negated completion marker does not complete.
		{"Customs clearance not completed", InTransitCustomsProcessing},
		{"Customs clearance completed", InTransitCustomsCleared},
	})
}

func TestFutureDowngradesDelivered(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{"Your parcel will be delivered tomorrow", InTransitInTransit},
		{"Your parcel will be delivered today", OutForDeliveryOutForDelivery},
		{"To be delivered today", OutForDeliveryOutForDelivery},
		{"Expected to be delivered on Monday", InTransitInTransit},
		{"Your parcel is being delivered", OutForDeliveryOutForDelivery},
		{"Delivery expected today", OutForDeliveryOutForDelivery},
		{"Estimated delivery: 12 May", InTransitInTransit},
		{"The shipment is in transit for final delivery", InTransitInTransit},
		{"Final delivery", DeliveredDelivered},
		{"Su envío será entregado mañana", InTransitInTransit},
		{"Su envío será entregado hoy", OutForDeliveryOutForDelivery},
		{"Ihre Sendung wird heute zugestellt", OutForDeliveryOutForDelivery},
		{"Die Sendung wird voraussichtlich morgen zugestellt", InTransitInTransit},
		{"Die Sendung soll morgen zugestellt werden", InTransitInTransit},
		{"Votre colis sera livré demain", InTransitInTransit},
		{"Votre colis sera livré aujourd'hui", OutForDeliveryOutForDelivery},
		{"Nous allons livrer votre colis", InTransitInTransit},
		{"Il pacco sarà consegnato domani", InTransitInTransit},
		{"O objeto será entregue amanhã", InTransitInTransit},
		{"Je pakket wordt morgen bezorgd", InTransitInTransit},
		{"Przesyłka zostanie doręczona jutro", InTransitInTransit},
		{"Отправление будет доставлено завтра", InTransitInTransit},
		{"سيتم تسليم الشحنة اليوم", OutForDeliveryOutForDelivery},
		{"配達完了予定", InTransitInTransit},
		{"배송완료 예정", InTransitInTransit},
		// Collection by the recipient still to come: waiting at the point.
		{"Your parcel can be picked up by the recipient at the post office", AvailableForPickupAvailableForPickup},
		// A return still to come or under way has not reached the sender.
		{"Item is being returned to the sender", ExceptionReturning},
		{"Your item was not collected and is being returned to the sender", ExceptionReturning},
		{"The parcel will be returned to the sender", ExceptionReturning},
		{"Votre colis sera retourné à l'expéditeur", ExceptionReturning},
		{"The parcel has been returned to the sender", ExceptionReturned},
		// An adjective of the noun "delivery" announces nothing.
		{"Scheduled delivery completed", DeliveredDelivered},
		// Past tenses stay done.
		{"Your parcel has been delivered", DeliveredDelivered},
		{"Su envío ha sido entregado", DeliveredDelivered},
		{"Votre colis a été livré", DeliveredDelivered},
		{"Die Sendung wurde zugestellt", DeliveredDelivered},
		// A future marker after a clause break does not reach back.
		{"Delivered earlier than expected. We will be happy to help", DeliveredDelivered},
	})
}

// A result read through a marker is less certain than a plain phrase.
func TestRuleLowersConfidence(t *testing.T) {
	plain := Classify("Parcel safely delivered")
	negated := Classify("Parcel never delivered")
	if negated.Status != AttemptFail || negated.Confidence >= plain.Confidence {
		t.Errorf("negated %+v vs plain %+v", negated, plain)
	}
}

func TestArticlesCountAsLanguageEvidence(t *testing.T) {
	var buf [maxFold]byte
	var sc scriptCounts
	n := fold("Les colis de la poste", &buf, &sc)
	if got := string(buf[:n]); got != "colis poste" {
		t.Fatalf("folded %q", got)
	}
	fr, nl := langIndex("fr"), langIndex("nl")
	// "les", "de" and "la" are French stop words; "de" is also Dutch.
	if sc.articleLang[fr] != 3 || sc.articleLang[nl] != 1 {
		t.Errorf("article evidence fr=%d nl=%d, want 3 and 1", sc.articleLang[fr], sc.articleLang[nl])
	}
	// Articles decide the language when nothing else does.
	for text, want := range map[string]string{
		"The parcel is on the way":           "en",
		"Der Zusteller hat das Paket":        "de",
		"Les colis de la tournée":            "fr",
		"Il pacco e' stato consegnato":       "it",
		"Het pakket is onderweg naar de hub": "nl",
	} {
		if got := Classify(text).Language; got != want {
			t.Errorf("language of %q = %s, want %s", text, got, want)
		}
	}
}

// Articles are dropped from the phrase tables too, so no two phrases of a
// language may fold to the same text (one would shadow or contradict the
// other), and none may fold to nothing.
func TestPhrasesDistinctAfterFolding(t *testing.T) {
	for _, tb := range phraseTables {
		seen := map[string]phrase{}
		for _, ph := range tb.phrases {
			f := foldString(ph.text)
			if f == "" {
				t.Errorf("%s: phrase %q folds to nothing", tb.lang, ph.text)
			}
			if o, ok := seen[f]; ok && o.mod == ph.mod {
				t.Errorf("%s: %q and %q both fold to %q", tb.lang, o.text, ph.text, f)
			}
			seen[f] = ph
		}
	}
	for _, mt := range markerTables {
		for _, set := range [][]string{mt.neg, mt.fut, mt.futAfter, mt.prog, mt.yet, mt.today} {
			for _, w := range set {
				if foldString(w) != w {
					t.Errorf("%s: marker %q is not in folded form (%q)", mt.lang, w, foldString(w))
				}
			}
		}
	}
}

func TestClassifyAllocatesNothing(t *testing.T) {
	texts := []string{
		"The shipment has been picked up by the recipient at the DHL Service Point",
		"Nous n'avons pas pu livrer votre colis, le destinataire était absent.",
		"Die Sendung wird voraussichtlich heute zugestellt werden",
		"快件尚未签收，预计今天送达",
		strings.Repeat("the parcel was not delivered yet; ", 40),
	}
	for _, text := range texts {
		if a := testing.AllocsPerRun(50, func() { _ = Classify(text) }); a != 0 {
			t.Errorf("Classify(%.30q...) allocates %.0f times", text, a)
		}
	}
}

// Short words must not crowd longer phrases out of the bounded hit list:
// the scan keeps only whole-word occurrences of markers and stop words.
func TestShortWordsDoNotCrowdOutPhrases(t *testing.T) {
	text := strings.Repeat("nonnegotiable benenden annotation ", 12) + "delivered"
	if got := Classify(text); got.Status != Delivered {
		t.Errorf("Classify(long text ending in delivered) = %+v", got)
	}
}
