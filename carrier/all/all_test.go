package all

import (
	"slices"
	"testing"

	"github.com/waypost/waypost/carrier"
)

func TestEveryConnectorRegistersWithAParser(t *testing.T) {
	want := []string{"17track", "aftership", "australia-post", "canada-post", "dhl", "fedex",
		"la-poste", "postnl", "royal-mail", "ups", "usps"}
	got := carrier.Drivers()
	for _, name := range want {
		if !slices.Contains(got, name) {
			t.Errorf("connector %q is not registered (registered: %v)", name, got)
			continue
		}
		d, _ := carrier.DriverFor(name)
		if d.Parse == nil {
			t.Errorf("connector %q registers no parser, so `waypost parse` cannot read its answers", name)
		}
		if _, ok := carrier.Lookup(name); !ok && name != "17track" && name != "aftership" {
			t.Errorf("connector %q has no entry in the carrier directory", name)
		}
	}
}
