// Package sandbox runs fake carrier tracking APIs on loopback: HTTP servers
// that speak each carrier's documented request and answer shapes, codes,
// time formats and authentication, over scripted cross-border journeys
// whose events appear as a simulated clock passes them.
//
// It exists so that connectors can be exercised end to end (connector →
// HTTP → server) without credentials or network, under load and under
// faults (rate limits, 5xx, slow or broken answers, outages, token expiry).
// A connector is pointed at the sandbox purely through carrier.Config
// (BaseURL, TokenURL and credentials; see Server.Config), so it cannot tell
// the sandbox from the carrier.
//
// The pieces:
//   - Clock: simulated time that can run faster than real time.
//   - Journey, Generate: deterministic, seeded parcels with a mix of
//     scenarios (delivered, signed, neighbour, locker, pickup, customs hold
//     with duties, address issue, return, lost, damaged, delayed).
//   - Server: one loopback HTTP server with a path prefix per carrier
//     ("/ups", "/fedex", ...), each rendered by a dialect in its own file:
//     eleven carriers and the two aggregators (17TRACK, AfterShip), which
//     answer for every leg of a journey by number and push updates to
//     webhooks with their signatures (Server.Push).
//   - Faults: per-carrier failures on demand.
package sandbox
