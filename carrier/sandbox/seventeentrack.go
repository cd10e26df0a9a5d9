package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/waypost/waypost/status"
)

// 17TRACK Tracking API v2.2 (asset.17track.net/api/document/v2.2_en and
// help.17track.net): every endpoint is a POST of a JSON array of at most 40
// {number, carrier?} items under /track/v2.2, authenticated with the
// "17token" header, answered {code, data:{accepted, rejected}} with HTTP
// 200 even when numbers are rejected. A number must be registered
// (register) before gettrackinfo returns anything (-18019902 "not
// registered" otherwise); stoptrack stops it (its tracking freezes) and
// retrack restarts a stopped number, once (-18019904 otherwise).
// track_info lists one provider per carrier that has scanned the parcel
// (the origin consolidator or post and the last-mile carrier), each with
// its events newest first: time_iso (local, with the offset), time_utc, the
// carrier's English description, a location and an address, and "stage"
// set on the event that reached one of 17TRACK's key stages (null on the
// others). latest_status carries 17TRACK's main status and sub-status.
// Pushes (Server.Push) are {event: TRACKING_UPDATED | TRACKING_STOPPED,
// data} signed in the "sign" header: the hex SHA-256 of the body, "/" and
// the account's key. Error codes are those of help.17track.net "Error
// Codes and Troubleshooting".

type stCode struct {
	text  string
	stage string // 17TRACK key stage reached by this kind of event, "" for none
	sub   string // 17TRACK sub-status of a parcel whose latest event is this
	want  status.Substatus
}

var seventeenTrackCodes = map[Kind]stCode{
	KindInfoReceived:     {"Electronic information received", "InfoReceived", "InfoReceived", ""},
	KindAccepted:         {"Picked up by the carrier", "PickedUp", "InTransit_PickedUp", ""},
	KindArrivedFacility:  {"Arrived at sorting center", "", "InTransit_Other", ""},
	KindDepartedFacility: {"Departed from sorting center", "", "InTransit_Other", ""},
	// Export clearance is customs processing at the origin; 17TRACK has no
	// sub-status for export.
	KindExportCustoms:             {"Export customs clearance started", "", "InTransit_CustomsProcessing", status.InTransitCustomsProcessing},
	KindDepartedOriginCountry:     {"Departed from departure country/region", "Departure", "InTransit_Departure", ""},
	KindArrivedDestinationCountry: {"Arrived at destination country/region", "Arrival", "InTransit_Arrival", ""},
	KindCustomsProcessing:         {"Import clearance start", "", "InTransit_CustomsProcessing", ""},
	KindCustomsHeld:               {"Held by customs", "", "Exception_Security", ""},
	KindDutiesDue:                 {"Import duties due, awaiting payment by the recipient", "", "Exception_Security", ""},
	KindCustomsCleared:            {"Import customs clearance complete", "", "InTransit_CustomsReleased", ""},
	// 17TRACK files delays under Exception_Delayed.
	KindDelayed:            {"Flight delayed", "", "Exception_Delayed", status.ExceptionDelayed},
	KindHandedOver:         {"Handed over to the last mile carrier", "", "InTransit_Other", ""},
	KindOutForDelivery:     {"Out for delivery", "OutForDelivery", "OutForDelivery_Other", ""},
	KindAttemptUnavailable: {"Delivery attempted, recipient not at home", "", "DeliveryFailure_NoBody", ""},
	KindAttemptAddress:     {"Delivery attempted, address incorrect or incomplete", "", "DeliveryFailure_InvalidAddress", ""},
	KindAvailableForPickup: {"Available for pickup at the post office", "AvailableForPickup", "AvailableForPickup_Other", ""},
	KindPickedUp:           {"Picked up by the recipient at the post office", "Delivered", "Delivered_Other", ""},
	KindDelivered:          {"Delivered", "Delivered", "Delivered_Other", ""},
	KindDeliveredSigned:    {"Delivered, signed by", "Delivered", "Delivered_Other", ""},
	KindDeliveredNeighbour: {"Delivered to neighbour", "Delivered", "Delivered_Other", ""},
	KindDeliveredLocker:    {"Delivered to parcel locker", "Delivered", "Delivered_Other", ""},
	KindDamaged:            {"Item damaged, repackaged", "", "Exception_Damage", ""},
	KindReturning:          {"Returning to sender", "Returning", "Exception_Returning", ""},
	KindReturned:           {"Returned to sender", "Returned", "Exception_Returned", ""},
}

// seventeenTrackStages are the key stages in 17TRACK's milestone order.
var seventeenTrackStages = []string{"InfoReceived", "PickedUp", "Departure", "Arrival", "AvailableForPickup",
	"OutForDelivery", "Delivered", "Returning", "Returned"}

// 17TRACK error codes.
const (
	stInvalidKey        = -18010002
	stInternal          = -18010003
	stTooMany           = -18010014
	stAlreadyRegistered = -18019901
	stNotRegistered     = -18019902
	stNotDetected       = -18019903
	stRetrackOnce       = -18019904
	stWrongCarrier      = -18019910
)

// stMaxBatch is the most numbers per call.
const stMaxBatch = 40

// stRegistration is a number registered with the account.
type stRegistration struct {
	number    string
	carrier   int
	stopped   bool
	stoppedAt time.Time
	retracked bool
}

// seventeenTrack is the account state: registrations by normalised number.
type seventeenTrack struct {
	h   *host
	mu  sync.Mutex
	reg map[string]*stRegistration
}

func seventeenTrackDialect() *dialect {
	return &dialect{
		slug:       "17track",
		aggregator: true,
		basePath:   "/track/v2.2",
		authorize: func(h *host, r *http.Request) bool {
			return r.Header.Get("17token") == APIKey
		},
		errorReply: seventeenTrackError,
		expect:     func(k Kind) status.Substatus { return seventeenTrackCodes[k].want },
		routes: func(h *host) {
			st := &seventeenTrack{h: h, reg: map[string]*stRegistration{}}
			for _, op := range []string{"register", "gettrackinfo", "stoptrack", "retrack"} {
				h.handle("POST /track/v2.2/"+op, opTrack, func(r *http.Request) reply { return st.serve(op, r) })
			}
			h.push = st.push
		},
	}
}

func stEnvelopeError(code int, msg string) map[string]any {
	return map[string]any{"code": code, "data": map[string]any{"errors": []map[string]any{{"code": code, "message": msg}}}}
}

func seventeenTrackError(code int, _, msg string) reply {
	switch code {
	case http.StatusUnauthorized:
		return jsonReply(code, stEnvelopeError(stInvalidKey, "The access key is invalid."))
	case http.StatusTooManyRequests:
		return jsonReply(code, stEnvelopeError(code, "Request frequency exceeded, please try again later."))
	}
	if code >= 500 {
		return jsonReply(code, stEnvelopeError(stInternal, "Internal error, please try again later."))
	}
	return jsonReply(code, stEnvelopeError(code, msg))
}

type stItem struct {
	Number  string          `json:"number"`
	Carrier json.RawMessage `json:"carrier"`
}

// carrierCode reads an item's carrier code (a number or a numeric string);
// 0 when absent.
func (it stItem) carrierCode() (int, error) {
	s := string(it.Carrier)
	if s == "" || s == "null" {
		return 0, nil
	}
	if s[0] == '"' {
		var q string
		if err := json.Unmarshal(it.Carrier, &q); err != nil {
			return 0, err
		}
		s = q
	}
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

func (st *seventeenTrack) serve(op string, r *http.Request) reply {
	var items []stItem
	if err := json.NewDecoder(r.Body).Decode(&items); err != nil {
		return jsonReply(http.StatusOK, stEnvelopeError(-18010010, "The data format is invalid: a JSON array is expected."))
	}
	if len(items) == 0 {
		return jsonReply(http.StatusOK, stEnvelopeError(-18010012, "The data is empty."))
	}
	if len(items) > stMaxBatch {
		return jsonReply(http.StatusOK, stEnvelopeError(stTooMany, "The number of submitted numbers exceeds the limit of 40."))
	}
	now := st.h.srv.clock.Now()
	accepted := make([]any, 0, len(items))
	rejected := make([]any, 0)
	for _, it := range items {
		code, err := it.carrierCode()
		if err != nil || it.Number == "" {
			rejected = append(rejected, stReject(it.Number, -18010012, "The number or carrier is invalid."))
			continue
		}
		var a, rj any
		switch op {
		case "register":
			a, rj = st.register(it.Number, code)
		case "gettrackinfo":
			a, rj = st.trackInfo(it.Number, code, now)
		case "stoptrack":
			a, rj = st.stop(it.Number, now)
		case "retrack":
			a, rj = st.retrack(it.Number)
		}
		if rj != nil {
			rejected = append(rejected, rj)
		} else {
			accepted = append(accepted, a)
		}
	}
	return jsonReply(http.StatusOK, map[string]any{"code": 0, "data": map[string]any{"accepted": accepted, "rejected": rejected}})
}

func stReject(number string, code int, msg string) map[string]any {
	return map[string]any{"number": number, "error": map[string]any{"code": code, "message": msg}}
}

// identify finds the courier of a number: from the catalogue (the leg the
// carrier code names, when one is given), else from its format. A carrier
// code that fits no leg of a known number is wrong for it.
func (st *seventeenTrack) identify(number string, code int) (courier, bool, int) {
	match := func(c courier) bool { return code == 0 || c.code17 == code }
	if j, leg, ok := st.h.srv.cat.aggregatorRef(number, match); ok {
		return courierOf(j, leg), true, 0
	}
	if _, _, known := st.h.srv.cat.aggregatorRef(number, nil); known {
		return courier{}, false, stWrongCarrier
	}
	if code != 0 {
		if c, ok := courierByCode(code); ok {
			return c, true, 0
		}
		return courier{slug: "carrier-" + strconv.Itoa(code), code17: code}, true, 0
	}
	if c, ok := detect(number); ok {
		return c, true, 0
	}
	return courier{}, false, stNotDetected
}

func (st *seventeenTrack) register(number string, code int) (any, any) {
	c, ok, why := st.identify(number, code)
	if !ok {
		if why == stWrongCarrier {
			return nil, stReject(number, why, "The carrier code is not right for '"+number+"'.")
		}
		return nil, stReject(number, why, "The carrier of '"+number+"' cannot be detected.")
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	key := normNumber(number)
	if _, dup := st.reg[key]; dup {
		return nil, stReject(number, stAlreadyRegistered,
			"The tracking number '"+number+"' has been registered, don't need to repeat registration.")
	}
	st.reg[key] = &stRegistration{number: number, carrier: c.code17}
	return map[string]any{"origin": 1, "number": number, "carrier": c.code17}, nil
}

// registration returns a copy of number's registration under code (0:
// any carrier).
func (st *seventeenTrack) registration(number string, code int) (stRegistration, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.reg[normNumber(number)]
	if r == nil || (code != 0 && code != r.carrier) {
		return stRegistration{}, false
	}
	return *r, true
}

func notRegistered(number string) map[string]any {
	return stReject(number, stNotRegistered, "The tracking number '"+number+"' is not registered, please register first.")
}

func (st *seventeenTrack) trackInfo(number string, code int, now time.Time) (any, any) {
	reg, ok := st.registration(number, code)
	if !ok {
		return nil, notRegistered(number)
	}
	if reg.stopped {
		now = reg.stoppedAt // a stopped number is no longer updated
	}
	return st.accepted(reg, now), nil
}

// accepted is the accepted entry of a registered number with its
// track_info as of now.
func (st *seventeenTrack) accepted(reg stRegistration, now time.Time) map[string]any {
	h := st.h
	match := func(c courier) bool { return c.code17 == reg.carrier }
	j, leg, ok := h.srv.cat.aggregatorRef(reg.number, match)
	var steps []Step
	h.stats.numbers.Add(1)
	if ok {
		steps = aggregatorSteps(j, leg, now)
	}
	if len(steps) == 0 {
		h.stats.notFound.Add(1)
		home := ""
		if c, ok := courierByCode(reg.carrier); ok {
			home = c.country
		}
		return map[string]any{"number": reg.number, "carrier": reg.carrier, "param": nil, "tag": nil,
			"track_info": map[string]any{
				"latest_status": map[string]any{"status": "NotFound", "sub_status": "NotFound_Other", "sub_status_descr": nil},
				"latest_event":  nil,
				"time_metrics":  map[string]any{"estimated_delivery_date": map[string]any{"source": nil, "from": nil, "to": nil}},
				"tracking": map[string]any{"providers_hash": 0, "providers": []any{map[string]any{
					"provider": stProvider(courierByCodeOr(reg.carrier, home)), "events": []any{}}}},
			}}
	}
	h.stats.found.Add(1)
	return map[string]any{"number": reg.number, "carrier": reg.carrier, "param": nil, "tag": nil,
		"track_info": seventeenTrackInfo(j, steps, now)}
}

func courierByCodeOr(code int, home string) courier {
	if c, ok := courierByCode(code); ok {
		return c
	}
	return courier{code17: code, name: "Carrier " + strconv.Itoa(code), country: home}
}

func stProvider(c courier) map[string]any {
	return map[string]any{"key": c.code17, "name": c.name, "alias": c.name, "tel": nil, "homepage": c.homepage, "country": c.country}
}

// seventeenTrackInfo renders track_info for the steps shown.
func seventeenTrackInfo(j *Journey, steps []Step, now time.Time) map[string]any {
	// Stages mark the first event that reached each key stage.
	stageAt := map[int]string{}
	reached := map[string]bool{}
	for i, s := range steps {
		if st := stCodeOf(s.Kind).stage; st != "" && !reached[st] {
			reached[st] = true
			stageAt[i] = st
		}
	}
	byLeg := map[int][]*stEvent{}
	var legs []int
	events := make([]*stEvent, len(steps))
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		e := seventeenTrackEvent(s, stageAt[i])
		events[i] = e
		if _, seen := byLeg[s.Leg]; !seen {
			legs = append(legs, s.Leg)
		}
		byLeg[s.Leg] = append(byLeg[s.Leg], e)
	}
	providers := make([]any, 0, len(legs))
	for k := len(legs) - 1; k >= 0; k-- { // origin carrier first
		leg := legs[k]
		evs := byLeg[leg]
		providers = append(providers, map[string]any{
			"provider": stProvider(courierOf(j, leg)), "service_type": j.Legs[leg].Service,
			"latest_sync_status": "Success", "latest_sync_time": now.UTC().Format(time.RFC3339),
			"events_hash": stHash(evs), "events": evs,
		})
	}
	milestones := make([]map[string]any, 0, len(seventeenTrackStages))
	for _, stage := range seventeenTrackStages {
		m := map[string]any{"key_stage": stage, "time_iso": nil, "time_utc": nil}
		for i, st := range stageAt {
			if st == stage {
				m["time_iso"], m["time_utc"] = events[i].TimeISO, events[i].TimeUTC
			}
		}
		milestones = append(milestones, m)
	}
	last := steps[len(steps)-1]
	sub := stCodeOf(last.Kind).sub
	mainStatus, _, _ := cutUnderscore(sub)
	days := func(from, to time.Time) int { return int(to.Sub(from).Hours() / 24) }
	return map[string]any{
		"shipping_info": map[string]any{
			"shipper_address":   newSTAddress(j.Origin),
			"recipient_address": newSTAddress(j.Destination),
		},
		"latest_status": map[string]any{"status": mainStatus, "sub_status": sub, "sub_status_descr": nil},
		"latest_event":  events[len(events)-1],
		"time_metrics": map[string]any{
			"days_after_order": days(j.First(), now), "days_of_transit": days(steps[0].At, last.At),
			"days_of_transit_done": days(steps[0].At, last.At), "days_after_last_update": days(last.At, now),
			"estimated_delivery_date": map[string]any{"source": nil, "from": nil, "to": nil},
		},
		"milestone": milestones,
		"misc_info": map[string]any{"risk_factor": 0, "service_type": j.Legs[0].Service, "weight_raw": nil, "weight_kg": nil,
			"pieces": nil, "dimensions": nil, "customer_number": nil, "reference_number": nil,
			"local_number": stLocalNumber(j), "local_provider": stLocalProvider(j), "local_key": stLocalKey(j)},
		"tracking": map[string]any{"providers_hash": stHash(events), "providers": providers},
	}
}

func cutUnderscore(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '_' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// stLocalNumber is the last-mile carrier's own number when a consolidator
// handed the parcel over under a new one.
func stLocalNumber(j *Journey) string {
	if len(j.Legs) > 1 && j.Legs[1].Number != j.Legs[0].Number {
		return j.Legs[1].Number
	}
	return ""
}

func stLocalProvider(j *Journey) string {
	if stLocalNumber(j) == "" {
		return ""
	}
	return courierOf(j, 1).name
}

func stLocalKey(j *Journey) int {
	if stLocalNumber(j) == "" {
		return 0
	}
	return courierOf(j, 1).code17
}

func stCodeOf(k Kind) stCode {
	if c, ok := seventeenTrackCodes[k]; ok {
		return c
	}
	return stCode{text: k.Text(), sub: "InTransit_Other"}
}

// stEvent is one event of track_info.
type stEvent struct {
	TimeISO     string    `json:"time_iso"`
	TimeUTC     string    `json:"time_utc"`
	Description string    `json:"description"`
	Location    string    `json:"location"`
	Stage       *string   `json:"stage"`
	Address     stAddress `json:"address"`
}

type stAddress struct {
	Country     string  `json:"country"`
	State       *string `json:"state"`
	City        string  `json:"city"`
	Street      *string `json:"street"`
	PostalCode  *string `json:"postal_code"`
	Coordinates struct {
		Longitude *float64 `json:"longitude"`
		Latitude  *float64 `json:"latitude"`
	} `json:"coordinates"`
}

func newSTAddress(p Place) stAddress {
	return stAddress{Country: p.Country, State: strPtr(p.State), City: p.City, PostalCode: strPtr(p.PostalCode)}
}

func seventeenTrackEvent(s Step, stage string) *stEvent {
	c := stCodeOf(s.Kind)
	text := c.text
	switch {
	case s.Kind == KindDeliveredSigned && s.Detail != "":
		text += " " + s.Detail
	case s.Kind == KindHandedOver && s.Detail != "":
		text += ": " + s.Detail
	}
	return &stEvent{
		TimeISO:     s.Local().Format(time.RFC3339),
		TimeUTC:     s.At.UTC().Format(time.RFC3339),
		Description: text,
		Location:    placeLine(s.Place),
		Stage:       strPtr(stage),
		Address:     newSTAddress(s.Place),
	}
}

// stHash imitates 17TRACK's change hashes: equal event lists, equal hashes.
func stHash(evs []*stEvent) int32 {
	h := fnv.New32a()
	for _, e := range evs {
		h.Write([]byte(e.TimeUTC))
		h.Write([]byte(e.Description))
	}
	return int32(h.Sum32())
}

func (st *seventeenTrack) stop(number string, now time.Time) (any, any) {
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.reg[normNumber(number)]
	if r == nil {
		return nil, notRegistered(number)
	}
	if !r.stopped {
		r.stopped, r.stoppedAt = true, now
	}
	return map[string]any{"number": r.number, "carrier": r.carrier}, nil
}

func (st *seventeenTrack) retrack(number string) (any, any) {
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.reg[normNumber(number)]
	switch {
	case r == nil:
		return nil, notRegistered(number)
	case !r.stopped || r.retracked:
		return nil, stReject(number, stRetrackOnce, "Only stopped numbers can be retracked, and only once.")
	}
	r.stopped, r.retracked = false, true
	return map[string]any{"number": r.number, "carrier": r.carrier}, nil
}

// push sends the number's TRACKING_UPDATED (or TRACKING_STOPPED) body,
// signed with the account key.
func (st *seventeenTrack) push(ctx context.Context, url, key, number string) error {
	reg, ok := st.registration(number, 0)
	if !ok {
		return fmt.Errorf("sandbox: 17track: %s is not registered, nothing to push", number)
	}
	var body []byte
	var err error
	if reg.stopped {
		body, err = json.Marshal(map[string]any{"event": "TRACKING_STOPPED",
			"data": map[string]any{"number": reg.number, "carrier": reg.carrier, "param": nil, "tag": nil}})
	} else {
		body, err = json.Marshal(map[string]any{"event": "TRACKING_UPDATED",
			"data": st.accepted(reg, st.h.srv.clock.Now())})
	}
	if err != nil {
		return fmt.Errorf("sandbox: 17track push: %w", err)
	}
	return postWebhook(ctx, url, http.Header{"Sign": {seventeenTrackSign(key, body)}}, body)
}

// seventeenTrackSign is 17TRACK's push signature: hex SHA-256 of the body,
// "/" and the key.
func seventeenTrackSign(key string, body []byte) string {
	sum := sha256.Sum256(append(append(append([]byte{}, body...), '/'), key...))
	return hex.EncodeToString(sum[:])
}
