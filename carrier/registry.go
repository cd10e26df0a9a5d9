package carrier

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Driver is what a connector package registers: how to open a connector and
// how to read a saved answer of its API.
type Driver struct {
	// Name is the connector's name, also the slug it serves by default
	// ("ups", "fedex", "17track").
	Name string
	// New opens a connector for cfg.Slug with cfg's credentials and URLs.
	New func(cfg Config) (Connector, error)
	// Parse reads one saved response body of the carrier's tracking API into
	// results, without any network access (used by `waypost parse`, tests
	// and push ingestion). Nil when the connector cannot do this.
	Parse func(body []byte) ([]Result, error)
	// Limits are the connector's defaults (what the carrier publishes),
	// shown before a connector is configured; Config can lower them.
	Limits Limits
}

// The registry is written only by Register, called from the init functions
// of connector packages (like database/sql drivers), and read afterwards.
// This keeps adding a connector to one package plus one blank import, with
// no list in this package to edit and no import cycle.
var registry = struct {
	sync.RWMutex
	m map[string]Driver
}{m: map[string]Driver{}}

// Register makes a connector available under d.Name. It panics when the
// name is invalid or taken, as both are programming errors.
func Register(d Driver) {
	if !slugRE.MatchString(d.Name) || d.New == nil {
		panic(fmt.Sprintf("carrier: Register: invalid driver %q", d.Name))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.m[d.Name]; dup {
		panic(fmt.Sprintf("carrier: Register: %q registered twice", d.Name))
	}
	registry.m[d.Name] = d
}

// DriverFor returns the registered driver with the given name.
func DriverFor(name string) (Driver, bool) {
	registry.RLock()
	defer registry.RUnlock()
	d, ok := registry.m[name]
	return d, ok
}

// Drivers returns the names of the registered connectors, sorted.
func Drivers() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.m))
	for n := range registry.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Open opens the connector serving slug: cfg.Connector when set (an
// aggregator), else the connector named like the slug.
func Open(slug string, cfg Config) (Connector, error) {
	cfg.Slug = slug
	if err := cfg.Validate(); err != nil {
		return nil, &Error{Kind: ErrConfig, Carrier: slug, Op: "open", Err: err}
	}
	d, ok := DriverFor(cfg.ConnectorName())
	if !ok {
		return nil, &Error{Kind: ErrConfig, Carrier: slug, Op: "open",
			Message: fmt.Sprintf("no connector %q (registered: %s)", cfg.ConnectorName(), strings.Join(Drivers(), ", "))}
	}
	c, err := d.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("carrier: open %s via %s: %w", slug, d.Name, err)
	}
	return c, nil
}

// Parse reads a saved response of the named connector's API.
func Parse(name string, body []byte) ([]Result, error) {
	d, ok := DriverFor(name)
	if !ok || d.Parse == nil {
		return nil, &Error{Kind: ErrConfig, Carrier: name, Op: "parse",
			Message: fmt.Sprintf("no parser for %q (registered: %s)", name, strings.Join(Drivers(), ", "))}
	}
	return d.Parse(body)
}
