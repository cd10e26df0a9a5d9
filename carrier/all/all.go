// Package all registers every carrier connector Waypost ships. A program
// that wants them all imports this package for its side effects; adding a
// connector to the binary is one line here.
package all

import (
	_ "github.com/waypost/waypost/carrier/aftership"      // aftership
	_ "github.com/waypost/waypost/carrier/auspost"        // australia-post
	_ "github.com/waypost/waypost/carrier/canadapost"     // canada-post
	_ "github.com/waypost/waypost/carrier/dhl"            // dhl
	_ "github.com/waypost/waypost/carrier/fedex"          // fedex
	_ "github.com/waypost/waypost/carrier/laposte"        // la-poste
	_ "github.com/waypost/waypost/carrier/postnl"         // postnl
	_ "github.com/waypost/waypost/carrier/royalmail"      // royal-mail
	_ "github.com/waypost/waypost/carrier/seventeentrack" // 17track
	_ "github.com/waypost/waypost/carrier/ups"            // ups
	_ "github.com/waypost/waypost/carrier/usps"           // usps
)
