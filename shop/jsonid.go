package shop

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ID is an identifier the platforms send as a JSON number or string
// (Shopify's 64-bit IDs, WooCommerce's and Magento's integers); it keeps
// the digits exactly, which a float64 would not.
type ID string

// UnmarshalJSON accepts a number, a string or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*id = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("id: %w", err)
		}
		*id = ID(n.String())
	}
	return nil
}
