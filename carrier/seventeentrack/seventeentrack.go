// Package seventeentrack is the connector for the 17TRACK Tracking API v2.2,
// an aggregator that reaches more than 2,000 carriers (China Post, Cainiao,
// YunExpress, 4PX, Yanwen and most national posts), and the receiver of its
// push notifications (see NewWebhookHandler).
//
// 17TRACK tracks only numbers that were registered first (registration uses
// the account's quota). Track asks gettrackinfo for the whole batch; numbers
// 17TRACK answers "not registered" (-18019902) are registered and asked
// again, so a parcel is registered once, on its first poll, whichever
// process polls it. All endpoints are POSTs of a JSON array of at most 40
// numbers, authenticated with the "17token" header.
//
// A connector is opened for a Waypost carrier slug routed through 17TRACK
// (carrier.Config.Connector "17track"); the slug selects the 17TRACK
// carrier code sent with each number (see CarrierCode). Without a known
// code 17TRACK detects the carrier itself.
//
// Configuration (carrier.Config): APIKey (the 17TRACK security key, also
// the key that signs push notifications), BaseURL (default
// https://api.17track.net/track/v2.2), Language (asks 17TRACK to translate
// event texts on registration), and Options:
//
//   - "carrier_code": the 17TRACK carrier code to use for this slug,
//     overriding the built-in table ("0" or "auto" forces auto-detection);
//   - "register": "false" stops Track from registering unknown numbers (they
//     are reported not found instead), to keep the quota for numbers
//     registered elsewhere.
//
// Per request, Request.Extra["carrier_code"] overrides the code for one
// number, and Request.PostalCode (or Extra["param"]) is sent as the
// registration "param" that some carriers need (-18010018..-18010020).
package seventeentrack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/waypost/waypost/carrier"
)

// Name is the connector's registered name.
const Name = "17track"

// DefaultBaseURL is the v2.2 API root.
const DefaultBaseURL = "https://api.17track.net/track/v2.2"

// MaxBatch is the most numbers 17TRACK accepts in one call
// (error -18010014 above it).
const MaxBatch = 40

// DefaultLimits: 40 numbers per call; 3 requests per second per key, the
// rate 17TRACK integrations use (the official page read gives no figure).
// The registration quota is per plan and month, so no daily figure is set;
// configure requests_per_day to share a plan between processes.
var DefaultLimits = carrier.Limits{BatchSize: MaxBatch, RequestsPerSecond: 3, Burst: 3}

func init() {
	carrier.Register(carrier.Driver{Name: Name, New: New, Parse: Parse, Limits: DefaultLimits})
}

// Connector tracks parcels through 17TRACK for one Waypost carrier slug.
type Connector struct {
	slug     string
	base     string
	code     int  // 17TRACK carrier code of the slug; 0 detects
	register bool // register unknown numbers
	lang     string
	limits   carrier.Limits
	client   *carrier.Client
}

var _ carrier.Connector = (*Connector)(nil)

// New opens a 17TRACK connector for cfg.Slug.
func New(cfg carrier.Config) (carrier.Connector, error) {
	return newConnector(cfg)
}

func newConnector(cfg carrier.Config) (*Connector, error) {
	if cfg.APIKey.IsZero() {
		return nil, &carrier.Error{Kind: carrier.ErrConfig, Carrier: cfg.Slug, Op: "open",
			Message: "17TRACK needs api_key (the security key of the 17TRACK API account)"}
	}
	limits := cfg.Limits(DefaultLimits)
	if limits.BatchSize <= 0 || limits.BatchSize > MaxBatch {
		limits.BatchSize = MaxBatch
	}
	cc := carrier.ClientConfigFrom(cfg, limits)
	cc.Auth = carrier.HeaderAuth{Name: "17token", Value: cfg.APIKey}
	cc.DecodeError = decodeError
	c := &Connector{
		slug:     cfg.Slug,
		base:     cfg.URL(DefaultBaseURL),
		register: true,
		lang:     cfg.Language,
		limits:   limits,
		client:   carrier.NewClient(cc),
	}
	c.code, _ = CarrierCode(cfg.Slug)
	if v, ok := cfg.Options["carrier_code"]; ok {
		code, err := parseCode(v)
		if err != nil {
			return nil, &carrier.Error{Kind: carrier.ErrConfig, Carrier: cfg.Slug, Op: "open", Err: err}
		}
		c.code = code
	}
	if v, ok := cfg.Options["register"]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, &carrier.Error{Kind: carrier.ErrConfig, Carrier: cfg.Slug, Op: "open",
				Err: fmt.Errorf("option register: %w", err)}
		}
		c.register = b
	}
	return c, nil
}

// parseCode reads a carrier code option: a positive integer, or "0"/"auto"
// for auto-detection.
func parseCode(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" || strings.EqualFold(v, "auto") {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("carrier_code %q: want a 17TRACK carrier code (a positive integer) or \"auto\"", v)
	}
	return n, nil
}

// Slug implements carrier.Connector.
func (c *Connector) Slug() string { return c.slug }

// Limits implements carrier.Connector.
func (c *Connector) Limits() carrier.Limits { return c.limits }

// Track implements carrier.Connector. Batches larger than 40 are split.
func (c *Connector) Track(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	out := make([]carrier.Result, 0, len(reqs))
	size := c.limits.BatchSize
	for start := 0; start < len(reqs); start += size {
		chunk := reqs[start:min(start+size, len(reqs))]
		res, err := c.trackBatch(ctx, chunk)
		if err != nil {
			if start == 0 {
				return nil, err
			}
			// Keep what was answered; the rest carry the batch error.
			for _, r := range reqs[start:] {
				out = append(out, carrier.Result{TrackingNumber: r.TrackingNumber, Err: err})
			}
			return out, nil
		}
		out = append(out, res...)
	}
	return out, nil
}

// trackBatch handles at most 40 numbers: ask, register the unknown ones,
// ask again for those.
func (c *Connector) trackBatch(ctx context.Context, reqs []carrier.Request) ([]carrier.Result, error) {
	items := make([]numberItem, len(reqs))
	for i, r := range reqs {
		it, err := c.item(r)
		if err != nil {
			return nil, err
		}
		items[i] = it
	}
	got, err := c.getTrackInfo(ctx, items)
	if err != nil {
		return nil, err
	}
	out := make([]carrier.Result, len(reqs))
	var unregistered []int
	for i, it := range items {
		a, ok := got.find(it.Number)
		switch {
		case !ok:
			out[i] = carrier.Result{TrackingNumber: it.Number, Err: badResponse(
				fmt.Errorf("number %s is neither accepted nor rejected in the answer", it.Number))}
		case a.rejected != nil && a.rejected.Error.Code == codeNotRegistered:
			unregistered = append(unregistered, i)
		default:
			out[i] = a.result()
		}
	}
	if len(unregistered) == 0 {
		return out, nil
	}
	if !c.register {
		for _, i := range unregistered {
			out[i] = carrier.Result{TrackingNumber: items[i].Number,
				NotFound: "not registered with 17TRACK (registration disabled by option register=false)"}
		}
		return out, nil
	}
	regItems := make([]registerItem, len(unregistered))
	for k, i := range unregistered {
		regItems[k] = c.registerItem(items[i], reqs[i])
	}
	reg, err := c.doRegister(ctx, regItems)
	if err != nil {
		return nil, err
	}
	var again []int
	for _, i := range unregistered {
		num := items[i].Number
		a, ok := reg.find(num)
		switch {
		case !ok:
			out[i] = carrier.Result{TrackingNumber: num, Err: badResponse(
				fmt.Errorf("register answer does not mention %s", num))}
		case a.rejected == nil || a.rejected.Error.Code == codeAlreadyRegistered:
			if a.accepted != nil && a.accepted.Carrier != 0 && items[i].Carrier == 0 {
				items[i].Carrier = int(a.accepted.Carrier) // ask for what 17TRACK detected
			}
			again = append(again, i)
		default:
			out[i] = a.rejected.result(num)
		}
	}
	if len(again) == 0 {
		return out, nil
	}
	askItems := make([]numberItem, len(again))
	for k, i := range again {
		askItems[k] = items[i]
	}
	got, err = c.getTrackInfo(ctx, askItems)
	if err != nil {
		return nil, err
	}
	for _, i := range again {
		num := items[i].Number
		a, ok := got.find(num)
		switch {
		case !ok:
			out[i] = carrier.Result{TrackingNumber: num, Err: badResponse(
				fmt.Errorf("number %s missing from the answer after registration", num))}
		case a.rejected != nil && a.rejected.Error.Code == codeNotRegistered:
			// Registration takes effect asynchronously at 17TRACK.
			out[i] = carrier.Result{TrackingNumber: num, NotFound: "registered with 17TRACK; no tracking information yet"}
		default:
			out[i] = a.result()
		}
	}
	return out, nil
}

// item builds the gettrackinfo entry of a request.
func (c *Connector) item(r carrier.Request) (numberItem, error) {
	num := strings.TrimSpace(r.TrackingNumber)
	if num == "" {
		return numberItem{}, &carrier.Error{Kind: carrier.ErrConfig, Carrier: c.slug, Op: "track",
			Message: "empty tracking number"}
	}
	it := numberItem{Number: num, Carrier: c.code}
	if v, ok := r.Extra["carrier_code"]; ok {
		code, err := parseCode(v)
		if err != nil {
			return numberItem{}, &carrier.Error{Kind: carrier.ErrConfig, Carrier: c.slug, Op: "track", Err: err}
		}
		it.Carrier = code
	}
	return it, nil
}

// registerItem builds the register entry of a request.
func (c *Connector) registerItem(it numberItem, r carrier.Request) registerItem {
	ri := registerItem{Number: it.Number, Carrier: it.Carrier, Lang: c.lang}
	switch {
	case r.Extra["param"] != "":
		ri.Param = r.Extra["param"]
	case r.PostalCode != "":
		ri.Param = r.PostalCode
	}
	if it.Carrier == 0 {
		ri.AutoDetection = true
	}
	return ri
}

// Stop stops tracking numbers at 17TRACK (stoptrack): no more pushes or
// updates, no quota used until Retrack. It returns the per-number failures
// by number; the error is for the batch as a whole.
func (c *Connector) Stop(ctx context.Context, numbers []string) (map[string]error, error) {
	return c.manage(ctx, "stoptrack", numbers)
}

// Retrack restarts tracking of stopped numbers (retrack). 17TRACK allows it
// once per number; a number that is not stopped fails with -18019904.
func (c *Connector) Retrack(ctx context.Context, numbers []string) (map[string]error, error) {
	return c.manage(ctx, "retrack", numbers)
}

func (c *Connector) manage(ctx context.Context, op string, numbers []string) (map[string]error, error) {
	failed := map[string]error{}
	for start := 0; start < len(numbers); start += MaxBatch {
		chunk := numbers[start:min(start+MaxBatch, len(numbers))]
		items := make([]numberItem, len(chunk))
		for i, n := range chunk {
			items[i] = numberItem{Number: n, Carrier: c.code}
		}
		env, err := c.call(ctx, op, items)
		if err != nil {
			return failed, err
		}
		for _, r := range env.Data.Rejected {
			failed[string(r.Number)] = r.err(op)
		}
	}
	return failed, nil
}

// errNoAnswer marks an envelope without data.
var errNoAnswer = errors.New("answer has no data")
