// Package carrier is Waypost's carrier layer: the Connector interface every
// carrier API implements, the registry that opens connectors by slug, their
// configuration, and the one HTTP layer they all use.
//
// # Using connectors
//
// A program imports the connector packages it wants (each registers itself
// in its init function, like database/sql drivers), loads the
// configuration and opens a connector per carrier slug:
//
//	cfgs, err := carrier.LoadConfig(path, os.LookupEnv, carrier.Drivers()...)
//	cfg := cfgs["ups"]
//	cfg.Metrics, cfg.Logger = metrics, logger // shared by all connectors
//	c, err := carrier.Open("ups", cfg)
//	results, err := c.Track(ctx, []carrier.Request{{TrackingNumber: "1Z..."}})
//
// A slug can be served by another connector (an aggregator) with
// Config.Connector; Config.BaseURL points any connector at a sandbox or a
// test server. Credentials are Secret values, which never print.
//
// # The HTTP layer
//
// Client does everything that is not carrier-specific: authentication
// (HeaderAuth, BasicAuth, or an OAuth2 client-credentials token cache that
// renews tokens before they expire, shares one fetch between concurrent
// callers and refreshes once on a 401), a rate limit and a daily quota per
// carrier, retries with exponential backoff and full jitter that honour
// Retry-After, a circuit breaker, per-attempt timeouts, an answer size
// limit, Prometheus metrics (waypost_carrier_*) on a registry the program
// passes, and debug logs without credentials. Failures are *Error values
// wrapping one of the sentinels (ErrAuth, ErrRateLimited,
// ErrQuotaExhausted, ErrCircuitOpen, ErrBadResponse, ErrResponseTooLarge,
// ErrTimeout, ErrUnavailable, ErrRejected, ErrConfig); ErrorCode gives each a
// stable string.
//
// # Adding a connector
//
//  1. Create package carrier/<slug> with a Parse(body []byte) ([]Result,
//     error) that reads one saved answer of the carrier's API, and a
//     New(Config) (Connector, error) that builds a Client with
//     ClientConfigFrom(cfg, DefaultLimits), sets Auth and DecodeError, and
//     whose Track sends the requests and calls Parse.
//  2. Map the carrier's codes (not only its texts) to status.Substatus in a
//     table; use RefineByText for codes coarser than the taxonomy. Set
//     event times with ParseISO, AtOffset or Assumed so every event has its
//     UTC instant, local time and offset source; fill Event.Hash with
//     shipment.HashEvent; return events oldest first.
//  3. Register it: func init() { carrier.Register(carrier.Driver{Name:
//     Slug, New: New, Parse: Parse}) }, and blank-import the package in the
//     binary.
//  4. Test with payloads written from the carrier's documentation in
//     testdata (with a SOURCE.md), against an httptest server given as
//     Config.BaseURL, plus a fuzz test of Parse and a benchmark.
package carrier
