package carrier

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// LooseString is a JSON string field that also accepts a number or null and
// trims white space. Carriers document strings, but numeric-looking fields
// (status codes, times) sometimes arrive as numbers; one such field must
// not make a whole answer unreadable. Objects, arrays and booleans are
// still errors.
type LooseString string

// UnmarshalJSON implements json.Unmarshaler.
func (s *LooseString) UnmarshalJSON(b []byte) error {
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		// Fast path: nothing to unescape (the decoder validated the token).
		*s = LooseString(strings.TrimSpace(string(b[1 : n-1])))
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = LooseString(strings.TrimSpace(v))
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or number, got %.20s", b)
	}
	*s = LooseString(n)
	return nil
}
