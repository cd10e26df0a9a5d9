package track

import (
	"crypto/rand"
	"encoding/hex"
)

// newFormKey is the idempotency key a report form carries, so posting it
// twice stores one report.
func newFormKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}
