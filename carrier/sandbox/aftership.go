package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/waypost/waypost/carrier"
	"github.com/waypost/waypost/status"
)

// AfterShip Tracking API, dated version 2024-10 (aftership.com/docs/
// tracking; field names as in AfterShip's tracking-sdk-go models): every
// answer is {meta:{code, message, type}, data}, authenticated with the
// "as-api-key" header. POST /trackings creates a tracking (201, the tracking
// itself as data; meta 4003 when it exists, 4012 when the courier cannot
// be detected from the number, 4010 for an unknown courier slug); GET
// /trackings?tracking_numbers=a,b,…&slug= lists trackings (up to 50
// numbers, data.trackings with pagination); GET /trackings/{id} reads one
// (4004 when there is none). A tracking carries tag/subtag/subtag_message
// (AfterShip's documented delivery statuses and sub-statuses) and its
// checkpoints oldest first: checkpoint_time is the carrier's local time,
// with the offset where the carrier gives one (not for PostNL and DHL Paket,
// which send Dutch and German local times), alpha-3 country_region, the
// carrier's message and the checkpoint's tag and subtag. Webhooks
// (Server.Push) post {ts, event: "tracking_update", event_id,
// is_tracking_first_tag, msg: tracking} signed in aftership-hmac-sha256:
// the base64 HMAC-SHA256 of the body keyed with the webhook secret. The
// sandbox fetches a tracking's checkpoints at once on creation, where
// AfterShip takes a few minutes.

type asCode struct {
	subtag, message string
	want            status.Substatus
}

var afterShipCodes = map[Kind]asCode{
	KindInfoReceived:     {"InfoReceived_001", "Shipment information received", ""},
	KindAccepted:         {"InTransit_002", "Shipment picked up", ""},
	KindArrivedFacility:  {"InTransit_003", "Arrived at sorting facility", ""},
	KindDepartedFacility: {"InTransit_007", "Departed from sorting facility", ""},
	// AfterShip has no export sub-status: a generic in-transit checkpoint
	// whose message names the customs.
	KindExportCustoms: {"InTransit_001", "Handed over to export customs", status.InTransitCustomsProcessing},
	// InTransit_007 is AfterShip's departure scan, whatever the place.
	KindDepartedOriginCountry:     {"InTransit_007", "Departed from the origin country", status.InTransitDepartedFacility},
	KindArrivedDestinationCountry: {"InTransit_004", "Arrived at the destination country", ""},
	KindCustomsProcessing:         {"InTransit_006", "Customs clearance started", ""},
	KindCustomsHeld:               {"Exception_004", "Held by customs", ""},
	KindDutiesDue:                 {"Exception_006", "Import duties and taxes due from the recipient", ""},
	KindCustomsCleared:            {"InTransit_005", "Customs clearance completed", ""},
	// AfterShip files a late flight under the exceptions (Exception_019).
	KindDelayed:            {"Exception_019", "Flight delayed", status.ExceptionDelayed},
	KindHandedOver:         {"InTransit_001", "Handed over to the delivery partner", ""},
	KindOutForDelivery:     {"OutForDelivery_001", "Out for delivery", ""},
	KindAttemptUnavailable: {"AttemptFail_002", "Delivery attempted, recipient not available", ""},
	KindAttemptAddress:     {"AttemptFail_001", "Delivery attempted, address incomplete", ""},
	KindAvailableForPickup: {"AvailableForPickup_001", "Available for pickup at the post office", ""},
	KindPickedUp:           {"Delivered_002", "Picked up by the recipient at the post office", ""},
	KindDelivered:          {"Delivered_001", "Delivered", ""},
	KindDeliveredSigned:    {"Delivered_003", "Delivered, signed by", ""},
	KindDeliveredNeighbour: {"Delivered_005", "Delivered to a neighbour", ""},
	KindDeliveredLocker:    {"Delivered_001", "Delivered to a parcel locker", ""},
	KindDamaged:            {"Exception_012", "Shipment damaged, repackaged", ""},
	KindReturning:          {"Exception_010", "Not collected, returning to sender", ""},
	KindReturned:           {"Exception_011", "Returned to sender", ""},
}

// afterShipSubtagMessages are AfterShip's texts of the sub-statuses used.
var afterShipSubtagMessages = map[string]string{
	"Pending_001": "Pending", "InfoReceived_001": "Info Received", "InTransit_001": "In Transit",
	"InTransit_002": "Acceptance scan", "InTransit_003": "Arrival scan", "InTransit_004": "Arrived at the destination country",
	"InTransit_005": "Customs clearance completed", "InTransit_006": "Customs clearance started", "InTransit_007": "Departure Scan",
	"OutForDelivery_001": "Out for Delivery", "AttemptFail_001": "Failed Attempt", "AttemptFail_002": "Addressee not available",
	"AvailableForPickup_001": "Available for Pickup", "Delivered_001": "Delivered", "Delivered_002": "Picked up by the customer",
	"Delivered_003": "Signed by customer", "Delivered_005": "Delivered to neighbour", "Exception_004": "Delayed (Customs clearance)",
	"Exception_006": "Pending payment", "Exception_010": "Returning to sender", "Exception_011": "Returned to sender",
	"Exception_012": "Shipment damage", "Exception_019": "Late flight",
}

// carrierClock are the carriers that send local times without an offset,
// with the zone of their clock.
var carrierClock = map[string]string{"postnl": "Europe/Amsterdam", "dhl-paket": "Europe/Berlin"}

// afterShipMaxList is the most numbers one list filter takes.
const afterShipMaxList = 50

// asTracking is one tracking of the account.
type asTracking struct {
	id, number, slug string
	created          time.Time
	lastTag          string // the tag of the last webhook, for is_tracking_first_tag
}

type afterShip struct {
	h  *host
	mu sync.Mutex
	// trackings by normalised number, then creation order.
	byNumber map[string][]*asTracking
	byID     map[string]*asTracking
}

func afterShipDialect() *dialect {
	return &dialect{
		slug:       "aftership",
		aggregator: true,
		basePath:   "/tracking/2024-10",
		configure: func(c *carrier.Config) {
			// Opened as "aftership" itself, the connector must let AfterShip
			// detect the courier.
			c.Options = map[string]string{"slug": "auto"}
		},
		authorize: func(h *host, r *http.Request) bool {
			return r.Header.Get("as-api-key") == APIKey
		},
		errorReply: afterShipError,
		expect:     func(k Kind) status.Substatus { return afterShipCodes[k].want },
		routes: func(h *host) {
			as := &afterShip{h: h, byNumber: map[string][]*asTracking{}, byID: map[string]*asTracking{}}
			h.handle("GET /tracking/2024-10/trackings", opTrack, as.list)
			h.handle("POST /tracking/2024-10/trackings", opTrack, as.create)
			h.handle("GET /tracking/2024-10/trackings/{id}", opTrack, as.get)
			h.push = as.push
		},
	}
}

func afterShipMeta(code int, message, typ string) map[string]any {
	return map[string]any{"code": code, "message": message, "type": typ}
}

func afterShipError(code int, _, msg string) reply {
	typ := strings.ReplaceAll(http.StatusText(code), " ", "")
	switch code {
	case http.StatusUnauthorized:
		msg = "Invalid API key."
	case http.StatusTooManyRequests:
		msg, typ = "You have exceeded the API call rate limit. The default limit is 10 requests per second.", "TooManyRequests"
	case http.StatusInternalServerError:
		msg, typ = "Something went wrong on AfterShip's end.", "InternalError"
	case http.StatusServiceUnavailable:
		msg = "AfterShip is temporarily unavailable, please retry later."
	}
	return jsonReply(code, map[string]any{"meta": afterShipMeta(code, msg, typ), "data": map[string]any{}})
}

// afterShipReject is an error answer with an AfterShip meta code.
func afterShipReject(httpCode, meta int, msg, typ string) reply {
	return jsonReply(httpCode, map[string]any{"meta": afterShipMeta(meta, msg, typ), "data": map[string]any{}})
}

func (as *afterShip) list(r *http.Request) reply {
	q := r.URL.Query()
	var numbers []string
	for _, n := range strings.Split(q.Get("tracking_numbers"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			numbers = append(numbers, n)
		}
	}
	if len(numbers) > afterShipMaxList {
		return afterShipReject(http.StatusBadRequest, 4001, "tracking_numbers takes at most 50 numbers.", "BadRequest")
	}
	slug := q.Get("slug")
	as.mu.Lock()
	var found []asTracking
	for _, n := range numbers {
		for _, t := range as.byNumber[normNumber(n)] {
			if slug == "" || t.slug == slug {
				found = append(found, *t)
			}
		}
	}
	as.mu.Unlock()
	now := as.h.srv.clock.Now()
	out := make([]any, 0, len(found))
	for i := range found {
		out = append(out, as.render(&found[i], now))
	}
	return jsonReply(http.StatusOK, map[string]any{"meta": afterShipMeta(200, "OK", "OK"), "data": map[string]any{
		"pagination": map[string]any{"total": len(out), "next_cursor": nil, "has_next_page": false},
		"trackings":  out,
	}})
}

func (as *afterShip) get(r *http.Request) reply {
	as.mu.Lock()
	t, ok := as.byID[r.PathValue("id")]
	var c asTracking
	if ok {
		c = *t
	}
	as.mu.Unlock()
	if !ok {
		return afterShipReject(http.StatusNotFound, 4004, "Tracking does not exist.", "NotFound")
	}
	return jsonReply(http.StatusOK, map[string]any{"meta": afterShipMeta(200, "OK", "OK"), "data": as.render(&c, as.h.srv.clock.Now())})
}

func (as *afterShip) create(r *http.Request) reply {
	var body struct {
		TrackingNumber string `json:"tracking_number"`
		Slug           string `json:"slug"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return afterShipReject(http.StatusBadRequest, 4001, "Invalid JSON data.", "BadRequest")
	}
	number := strings.TrimSpace(body.TrackingNumber)
	if number == "" {
		return afterShipReject(http.StatusBadRequest, 4007, "`tracking_number` is required.", "BadRequest")
	}
	slug := body.Slug
	switch {
	case slug == "":
		if j, leg, ok := as.h.srv.cat.aggregatorRef(number, nil); ok {
			slug = courierOf(j, leg).afterShip
		} else if c, ok := detect(number); ok {
			slug = c.afterShip
		} else {
			return afterShipReject(http.StatusBadRequest, 4012, "The value of `slug` cannot be detected.", "BadRequest")
		}
	default:
		if _, ok := courierByAfterShip(slug); !ok {
			return afterShipReject(http.StatusBadRequest, 4010, "The value of `slug` is invalid.", "BadRequest")
		}
	}
	as.mu.Lock()
	key := normNumber(number)
	for _, t := range as.byNumber[key] {
		if t.slug == slug {
			as.mu.Unlock()
			return afterShipReject(http.StatusBadRequest, 4003, "Tracking already exists.", "BadRequest")
		}
	}
	var b [16]byte
	_, _ = randRead(b[:])
	t := &asTracking{id: hex.EncodeToString(b[:]), number: number, slug: slug, created: time.Now().UTC()}
	as.byNumber[key] = append(as.byNumber[key], t)
	as.byID[t.id] = t
	c := *t
	as.mu.Unlock()
	return jsonReply(http.StatusCreated, map[string]any{"meta": afterShipMeta(201, "Created", "Created"),
		"data": as.render(&c, as.h.srv.clock.Now())})
}

// render is the tracking object as of now: the checkpoints of the leg
// its courier carries (following the parcel across carriers for the first
// leg's number), or a pending tracking when that courier has none.
func (as *afterShip) render(t *asTracking, now time.Time) map[string]any {
	h := as.h
	match := func(c courier) bool { return c.afterShip == t.slug }
	j, leg, ok := h.srv.cat.aggregatorRef(t.number, match)
	var steps []Step
	h.stats.numbers.Add(1)
	if ok {
		steps = aggregatorSteps(j, leg, now)
	}
	out := map[string]any{
		"id": t.id, "legacy_id": t.id, "tracking_number": t.number, "slug": t.slug, "active": true,
		"created_at": t.created.Format(time.RFC3339), "updated_at": time.Now().UTC().Format(time.RFC3339),
		"title": t.number, "checkpoints": []any{}, "tag": "Pending", "subtag": "Pending_001",
		"subtag_message": afterShipSubtagMessages["Pending_001"],
	}
	if len(steps) == 0 {
		h.stats.notFound.Add(1)
		return out
	}
	h.stats.found.Add(1)
	cps := make([]asCheckpoint, 0, len(steps))
	for _, s := range steps {
		cps = append(cps, afterShipCheckpoint(j, s))
	}
	last := afterShipCodeOf(steps[len(steps)-1].Kind)
	tag, _, _ := cutUnderscore(last.subtag)
	out["checkpoints"] = cps
	out["tag"], out["subtag"], out["subtag_message"] = tag, last.subtag, afterShipSubtagMessages[last.subtag]
	out["active"] = tag != "Delivered" && last.subtag != "Exception_011"
	out["origin_country_region"] = alpha3[j.Origin.Country]
	out["destination_country_region"] = alpha3[j.Destination.Country]
	out["shipment_type"] = j.Legs[leg].Service
	if final := steps[len(steps)-1]; final.Kind == KindDeliveredSigned {
		out["signed_by"] = final.Detail
	}
	return out
}

func afterShipCodeOf(k Kind) asCode {
	if c, ok := afterShipCodes[k]; ok {
		return c
	}
	return asCode{subtag: "InTransit_001", message: k.Text()}
}

// asCheckpoint is one checkpoint of a tracking.
type asCheckpoint struct {
	Slug              string  `json:"slug"`
	CreatedAt         string  `json:"created_at"`
	CheckpointTime    string  `json:"checkpoint_time"`
	Location          string  `json:"location"`
	City              string  `json:"city"`
	State             *string `json:"state"`
	PostalCode        *string `json:"postal_code"`
	CountryRegion     string  `json:"country_region"`
	CountryRegionName string  `json:"country_region_name"`
	Message           string  `json:"message"`
	Tag               string  `json:"tag"`
	Subtag            string  `json:"subtag"`
	SubtagMessage     string  `json:"subtag_message"`
	RawTag            string  `json:"raw_tag"`
}

func afterShipCheckpoint(j *Journey, s Step) asCheckpoint {
	c := afterShipCodeOf(s.Kind)
	msg := c.message
	switch {
	case s.Kind == KindDeliveredSigned && s.Detail != "":
		msg += " " + s.Detail
	case s.Kind == KindHandedOver && s.Detail != "":
		msg += ": " + s.Detail
	}
	cr := courierOf(j, s.Leg)
	ts := s.Local().Format(time.RFC3339)
	if zone := carrierClock[cr.slug]; zone != "" && s.Place.Country == cr.country {
		// Relayed as the carrier sends its home scans: local, no offset.
		ts = s.At.In(Place{Zone: zone}.Location()).Format("2006-01-02T15:04:05")
	}
	tag, _, _ := cutUnderscore(c.subtag)
	return asCheckpoint{
		Slug: cr.afterShip, CreatedAt: s.At.UTC().Format(time.RFC3339), CheckpointTime: ts,
		Location: placeLine(s.Place), City: s.Place.City, State: strPtr(s.Place.State),
		PostalCode: strPtr(s.Place.PostalCode), CountryRegion: alpha3[s.Place.Country],
		CountryRegionName: countryName(s.Place.Country), Message: msg,
		Tag: tag, Subtag: c.subtag, SubtagMessage: afterShipSubtagMessages[c.subtag],
		RawTag: strings.ToUpper(s.Kind.String()),
	}
}

// push posts the tracking_update webhook of the first tracking of number.
func (as *afterShip) push(ctx context.Context, url, secret, number string) error {
	as.mu.Lock()
	ts := as.byNumber[normNumber(number)]
	var t asTracking
	if len(ts) > 0 {
		t = *ts[0]
	}
	as.mu.Unlock()
	if t.id == "" {
		return fmt.Errorf("sandbox: aftership: no tracking of %s, nothing to push", number)
	}
	msg := as.render(&t, as.h.srv.clock.Now())
	tag, _ := msg["tag"].(string)
	as.mu.Lock()
	first := ts[0].lastTag != tag // the first webhook with this tag
	ts[0].lastTag = tag
	as.mu.Unlock()
	var id [16]byte
	_, _ = randRead(id[:])
	body, err := json.Marshal(map[string]any{"ts": time.Now().Unix(), "event": "tracking_update",
		"event_id":              fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:16]),
		"is_tracking_first_tag": first, "msg": msg})
	if err != nil {
		return fmt.Errorf("sandbox: aftership push: %w", err)
	}
	return postWebhook(ctx, url, http.Header{"Aftership-Hmac-Sha256": {afterShipSign(secret, body)}}, body)
}

// afterShipSign is AfterShip's webhook signature: base64 HMAC-SHA256 of the
// body keyed with the webhook secret.
func afterShipSign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
