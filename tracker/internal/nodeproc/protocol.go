// Package nodeproc runs tracker nodes as separate operating-system
// processes for the multi-node tests: each node is the test binary run
// again with EnvVar set, tracking the parcels of a shared PostgreSQL
// database against the carrier sandbox of the parent process, and
// reporting every check to the parent as JSON lines on its standard
// output. The parent can kill a node with SIGKILL at any moment, as a
// crash would, and check what the others made of its leases.
//
// The protocol is line-based. On the child's standard input: the Spec as
// one JSON line, then "go T W" once the parent's clock runs (T the
// simulated time at wall-clock instant W, both Unix nanoseconds), then
// "stop" (or end of input) for a graceful stop. On its standard output,
// lines starting with Prefix carry one Msg each; anything else is the test
// framework's own output and is ignored.
package nodeproc

import (
	"hash/fnv"
	"time"

	"github.com/waypost/waypost/carrier/sandbox"
	"github.com/waypost/waypost/tracker"
)

// EnvVar set to "1" makes the test binary run as a node.
const EnvVar = "WAYPOST_TRACKER_NODE"

// Prefix starts each message line a node writes.
const Prefix = "waypost-node "

// Spec is everything a node needs to join the run.
type Spec struct {
	Node        string `json:"node"`
	DatabaseURL string `json:"database_url"`
	// The journeys, generated again in the node for the carriers served
	// in-process (sandbox.Generate is reproducible from its options).
	Seed   uint64                       `json:"seed"`
	N      int                          `json:"n"`
	Spread time.Duration                `json:"spread"`
	Mix    map[sandbox.Scenario]float64 `json:"mix"`
	// Digest of the parent's journeys, to refuse to run on other ones.
	Digest uint64 `json:"digest"`
	// ClockStart is the simulated time while the clock is frozen; Speed
	// the simulated seconds per real second once the parent says go.
	ClockStart time.Time `json:"clock_start"`
	Speed      float64   `json:"speed"`
	// HTTP carriers point at the parent's sandbox; the others are served
	// in-process from the journeys.
	HTTP      map[string]Carrier `json:"http"`
	InProcess []string           `json:"in_process"`
	// Tracker settings, in simulated time.
	LeaseFor    time.Duration `json:"lease_for"`
	ExpireAfter time.Duration `json:"expire_after"`
	ClaimBatch  int           `json:"claim_batch"`
	MaxInFlight int           `json:"max_inflight"`
}

// Carrier is how a node reaches one sandbox carrier over HTTP. The
// credentials are the sandbox's fixed test ones.
type Carrier struct {
	BaseURL           string            `json:"base_url"`
	ClientID          string            `json:"client_id,omitempty"`
	ClientSecret      string            `json:"client_secret,omitempty"`
	APIKey            string            `json:"api_key,omitempty"`
	Username          string            `json:"username,omitempty"`
	Password          string            `json:"password,omitempty"`
	Account           string            `json:"account,omitempty"`
	Options           map[string]string `json:"options,omitempty"`
	RequestsPerSecond float64           `json:"rps"`
}

// Msg is one line from a node: exactly one field is set.
type Msg struct {
	Ready *Ready `json:"ready,omitempty"`
	Check *Check `json:"check,omitempty"`
	Stats *Stats `json:"stats,omitempty"`
}

// Ready says the node has opened the store and its carriers.
type Ready struct {
	Digest uint64 `json:"digest"`
	PID    int    `json:"pid"`
}

// Check is one finished parcel check (tracker.Check, flattened).
type Check struct {
	Node     string `json:"node"`
	Parcel   int64  `json:"parcel"`
	Shipment int64  `json:"shipment"`
	Carrier  string `json:"carrier"`
	Owner    string `json:"owner"` // the claim's lease owner
	// LeaseUntil is the end of the claim's lease, At when the answer came
	// (simulated, Unix microseconds).
	LeaseUntil int64 `json:"lease_until"`
	At         int64 `json:"at"`
	// Started and Finished are wall-clock Unix nanoseconds, comparable
	// between processes of one machine.
	Started   int64  `json:"started"`
	Finished  int64  `json:"finished"`
	Outcome   string `json:"outcome"`
	NewEvents int    `json:"new_events,omitempty"`
	Substatus string `json:"substatus,omitempty"`
	Next      int64  `json:"next,omitempty"` // simulated Unix microseconds
	Reason    string `json:"reason,omitempty"`
	Lost      bool   `json:"lost,omitempty"`
}

// Stats are a node's counters and memory, sent every half second and once
// more, with Final set, after a graceful stop.
type Stats struct {
	Node string `json:"node"`
	tracker.Stats
	// RSS and PeakRSS are the process's resident memory now and at its
	// peak (VmRSS, VmHWM), in bytes.
	RSS     int64 `json:"rss"`
	PeakRSS int64 `json:"peak_rss"`
	Final   bool  `json:"final,omitempty"`
}

// Digest fingerprints journeys by their IDs and leg numbers.
func Digest(js []*sandbox.Journey) uint64 {
	h := fnv.New64a()
	for _, j := range js {
		h.Write([]byte(j.ID))
		for _, l := range j.Legs {
			h.Write([]byte{0})
			h.Write([]byte(l.Carrier))
			h.Write([]byte(l.Number))
		}
		h.Write([]byte{1})
	}
	return h.Sum64()
}
