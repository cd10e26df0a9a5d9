package sandbox

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/waypost/waypost/status"
)

// La Poste Suivi v2 on the Okapi gateway (the "Swagger SUIVI" published on
// developer.laposte.fr, server https://api.laposte.fr/suivi/v2): GET
// /idships/{id,id,…}?lang=fr_FR with 1 to 10 numbers of 11 to 15
// characters and the X-Okapi-Key header. A 200 answer is an array of
// {lang, scope, returnCode, shipment}; a 207 answer mixes shipments and
// per-number errors; a single number La Poste cannot answer is a 404 (104:
// tracking not yet available, 105: unknown number) or a 400 (invalid
// number) object. Shipments list their events newest first with a code, a
// label in the asked language and an ISO 8601 date with the Paris offset,
// and no place. The gateway refuses a wrong key with {code, message}.
// Labels are French (fr_FR, the default) or English (en_GB, also used for
// the other languages the API offers).

type lpCode struct {
	code, fr, en string
	want         status.Substatus
}

var laPosteCodes = map[Kind]lpCode{
	KindInfoReceived: {"DR1", "Votre colis va bientôt nous être confié. Il est en cours de préparation chez l'expéditeur.",
		"Your parcel will soon be handed over to us. It is being prepared by the sender.", ""},
	KindAccepted: {"PC1", "Votre colis a été pris en charge par La Poste.", "Your parcel has been taken in charge by La Poste.", ""},
	KindArrivedDestinationCountry: {"ET3", "Votre colis est arrivé dans le pays du destinataire.",
		"Your parcel has arrived in the recipient's country.", ""},
	KindCustomsProcessing: {"DO1", "Votre colis est en cours de dédouanement.", "Your parcel is going through customs clearance.", ""},
	KindCustomsHeld:       {"DO3", "Votre colis est retenu en douane.", "Your parcel is being held by customs.", ""},
	// La Poste reports taxes to pay as a problem (PB1) with its reason.
	KindDutiesDue: {"PB1", "Votre colis est retenu : des droits et taxes sont à payer par le destinataire.",
		"Your parcel is held: duties and taxes are to be paid by the recipient.", ""},
	KindCustomsCleared: {"DO2", "Votre colis a été dédouané.", "Your parcel has cleared customs.", ""},
	// ET1 is "being processed in the network": coarser than an arrival or
	// a departure.
	KindArrivedFacility: {"ET1", "Votre colis est en cours de traitement sur notre plateforme.",
		"Your parcel is being processed at our platform.", status.InTransitInTransit},
	KindDepartedFacility: {"ET1", "Votre colis est en transit sur nos plateformes logistiques.",
		"Your parcel is in transit on our logistics platforms.", status.InTransitInTransit},
	KindOutForDelivery: {"MD2", "Votre colis est en cours de livraison.", "Your parcel is out for delivery.", ""},
	KindAttemptUnavailable: {"ND1", "Votre colis n'a pas pu être livré : le destinataire était absent.",
		"Your parcel could not be delivered: the recipient was not at home.", ""},
	KindAttemptAddress: {"ND1", "Votre colis n'a pas pu être livré : l'adresse est incomplète ou erronée.",
		"Your parcel could not be delivered: the address is incomplete or incorrect.", ""},
	KindAvailableForPickup: {"AG1", "Votre colis est disponible dans votre bureau de poste.",
		"Your parcel is available at your post office.", ""},
	KindPickedUp:  {"DI1", "Votre colis a été retiré par le destinataire au bureau de poste.", "Your parcel has been picked up by the recipient at the post office.", ""},
	KindDelivered: {"DI1", "Votre colis est livré.", "Your parcel has been delivered.", ""},
	// DI1 is "delivered"; the label's mention of the signature is extra.
	KindDeliveredSigned: {"DI1", "Votre colis a été remis en main propre contre signature.",
		"Your parcel has been delivered against signature.", status.DeliveredDelivered},
	KindDeliveredNeighbour: {"DI1", "Votre colis a été livré chez votre voisin.",
		"Your parcel has been delivered to your neighbour.", ""},
	KindDeliveredLocker: {"DI1", "Votre colis a été livré dans une consigne automatique.", "Your parcel has been delivered to a parcel locker.", ""},
	KindDamaged: {"PB1", "Votre colis est endommagé. Il a été reconditionné.",
		"Your parcel is damaged. It has been repackaged.", ""},
	KindReturning: {"RE1", "Votre colis n'a pas été retiré. Il est retourné à l'expéditeur.",
		"Your parcel was not collected. It is being returned to the sender.", ""},
	KindReturned: {"DI2", "Votre colis a été livré à l'expéditeur.", "Your parcel has been delivered to the sender.", ""},
}

// laPosteMaxBatch is the most numbers one call takes.
const laPosteMaxBatch = 10

// laPosteID is the documented form of a number: 11 to 15 letters and digits.
var laPosteID = regexp.MustCompile(`^[A-Za-z0-9]{11,15}$`)

func laPosteDialect() *dialect {
	return &dialect{
		slug:     "la-poste",
		basePath: "/suivi/v2",
		authorize: func(h *host, r *http.Request) bool {
			return r.Header.Get("X-Okapi-Key") == APIKey
		},
		errorReply: laPosteError,
		expect:     func(k Kind) status.Substatus { return laPosteCodes[k].want },
		routes: func(h *host) {
			h.handle("GET /suivi/v2/idships/{ids}", opTrack, func(r *http.Request) reply { return laPosteTrack(h, r) })
		},
	}
}

// laPosteError is the Okapi gateway's {code, message}, or La Poste's
// {returnCode, returnMessage} for errors of the service itself.
func laPosteError(code int, _, msg string) reply {
	switch code {
	case http.StatusUnauthorized:
		return jsonReply(code, map[string]string{"code": "UNAUTHORIZED", "message": "Invalid Okapi key"})
	case http.StatusTooManyRequests:
		return jsonReply(code, map[string]string{"code": "TOO_MANY_REQUESTS", "message": "Quota exceeded, too many requests"})
	case http.StatusServiceUnavailable, http.StatusInternalServerError:
		return jsonReply(code, map[string]any{"returnCode": code, "returnMessage": "Le service de suivi est momentanément indisponible."})
	}
	return jsonReply(code, map[string]any{"returnCode": code, "returnMessage": msg})
}

func laPosteTrack(h *host, r *http.Request) reply {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "fr_FR"
	}
	french := lang == "fr_FR"
	ids := strings.Split(r.PathValue("ids"), ",")
	if len(ids) > laPosteMaxBatch {
		return laPosteError(http.StatusBadRequest, "", "Le nombre de numéros est limité à 10.")
	}
	items := make([]map[string]any, 0, len(ids))
	allOK := true
	for _, raw := range ids {
		id, err := url.PathUnescape(strings.TrimSpace(raw))
		if err != nil {
			id = raw
		}
		it := laPosteItem(h, id, lang, french)
		if it["returnCode"] != 200 {
			allOK = false
		}
		items = append(items, it)
	}
	if len(items) == 1 && !allOK {
		code := http.StatusNotFound
		if items[0]["returnCode"] == 400 {
			code = http.StatusBadRequest
		}
		return jsonReply(code, items[0])
	}
	code := http.StatusOK
	if !allOK {
		code = http.StatusMultiStatus
	}
	return jsonReply(code, items)
}

// laPosteItem is the unitary answer for one number.
func laPosteItem(h *host, id, lang string, french bool) map[string]any {
	base := map[string]any{"lang": lang, "scope": "open"}
	fail := func(code int, fr, en string) map[string]any {
		base["returnCode"], base["idShip"] = code, id
		base["returnMessage"] = en
		if french {
			base["returnMessage"] = fr
		}
		return base
	}
	if !laPosteID.MatchString(id) {
		return fail(400, "Le numéro saisi n'est pas valide.", "The number entered is not valid.")
	}
	j, leg, steps, ok := h.lookup(id)
	if !ok {
		if _, _, known := h.srv.cat.Find(h.d.slug, id); known {
			return fail(104, "Votre suivi n'est pas encore disponible. Veuillez réessayer plus tard.",
				"Your tracking is not yet available. Please try again later.")
		}
		return fail(105, "Numéro de suivi inconnu.", "Unknown tracking number.")
	}
	events := make([]map[string]string, 0, len(steps))
	final := false
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		c, ok := laPosteCodes[s.Kind]
		if !ok {
			c = lpCode{code: "ET1", fr: "Votre colis est en cours d'acheminement.", en: "Your parcel is on its way."}
		}
		label := c.en
		if french {
			label = c.fr
		}
		events = append(events, map[string]string{"code": c.code, "label": label, "date": s.Local().Format("2006-01-02T15:04:05-07:00")})
		st := s.Kind.Substatus().Status()
		final = final || st == status.Delivered || s.Kind == KindReturned
	}
	l := j.Legs[leg]
	base["returnCode"] = 200
	base["shipment"] = map[string]any{
		"idShip": l.Number, "holder": 4, "product": "Colissimo", "isFinal": final,
		"entryDate":   steps[0].Local().Format("2006-01-02T15:04:05-07:00"),
		"event":       events,
		"contextData": map[string]any{"originCountry": j.Origin.Country, "arrivalCountry": "FR"},
		"url":         "https://www.laposte.fr/outils/suivre-vos-envois?code=" + l.Number,
	}
	return base
}
