package trackno

import (
	"math/bits"
	"strings"
)

// Checksum is the outcome of a candidate's check-digit test.
type Checksum uint8

const (
	// ChecksumNone: the format has no published check digit.
	ChecksumNone Checksum = iota
	// ChecksumValid: the check digit holds.
	ChecksumValid
	// ChecksumInvalid: the check digit does not hold.
	ChecksumInvalid
)

var checksumNames = [...]string{"none", "valid", "invalid"}

// String returns "none", "valid" or "invalid", the wire values.
func (c Checksum) String() string {
	if int(c) < len(checksumNames) {
		return checksumNames[c]
	}
	return "unknown"
}

// MarshalText encodes the wire value.
func (c Checksum) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Reasons is a set of Reason bits saying why a candidate is listed and
// ranked where it is.
type Reasons uint32

// The reasons a candidate can carry.
const (
	ReasonCheckDigit      Reasons = 1 << iota // the check digit holds
	ReasonCheckDigitFails                     // the check digit does not hold
	ReasonNoCheckDigit                        // the format has no check digit
	ReasonPrefix                              // a distinctive prefix or suffix matches
	ReasonLength                              // length and character classes match
	ReasonCountry                             // the number names a known issuing country
	ReasonServiceCode                         // the number carries a known service code
	ReasonSharedBarcode                       // this carrier moves parcels under another's barcode
	ReasonHandOver                            // the destination post tracks the item after hand-over
	ReasonHintOrigin                          // matches the origin-country hint
	ReasonHintDestination                     // matches the destination-country hint
	ReasonPreferred                           // one of the preferred carriers
	ReasonNotEnabled                          // not among the enabled carriers
	reasonCount           = iota
)

// reasonCode holds the machine names used in JSON.
var reasonCode = [reasonCount]string{
	"check_digit", "check_digit_fails", "no_check_digit", "prefix", "length", "country",
	"service_code", "shared_barcode", "hand_over", "hint_origin", "hint_destination",
	"preferred", "not_enabled",
}

// reasonText holds the descriptions shown to people.
var reasonText = [reasonCount]string{
	"check digit holds",
	"check digit does not hold",
	"format has no check digit",
	"distinctive prefix or suffix",
	"length and character classes match",
	"known issuing country",
	"known service code",
	"carried under another carrier's barcode",
	"destination post after hand-over",
	"matches origin country hint",
	"matches destination country hint",
	"preferred carrier",
	"not an enabled carrier",
}

// Codes returns the machine name of each reason, in a fixed order, e.g.
// "check_digit", "prefix".
func (r Reasons) Codes() []string { return r.appendFrom(nil, &reasonCode) }

// Strings returns the description of each reason, e.g. "check digit holds".
func (r Reasons) Strings() []string { return r.appendFrom(nil, &reasonText) }

func (r Reasons) appendFrom(dst []string, t *[reasonCount]string) []string {
	for r != 0 {
		b := bits.TrailingZeros32(uint32(r))
		dst = append(dst, t[b])
		r &^= 1 << b
	}
	return dst
}

// String joins the descriptions with "; ".
func (r Reasons) String() string { return strings.Join(r.Strings(), "; ") }

// MarshalJSON encodes the reason codes as a JSON array of strings.
func (r Reasons) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the reason codes as a JSON array of strings to b;
// the codes need no escaping.
func (r Reasons) AppendJSON(b []byte) []byte {
	b = append(b, '[')
	first := true
	for x := r; x != 0; {
		k := bits.TrailingZeros32(uint32(x))
		x &^= 1 << k
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, reasonCode[k]...)
		b = append(b, '"')
	}
	return append(b, ']')
}

// Field is one piece of information decoded from a number.
type Field struct {
	Name    string // machine name, e.g. "service_indicator"
	Value   string // the characters of the number, e.g. "RR"
	Meaning string // what they mean, e.g. "Letter post, registered"; may be empty
}

// Candidate is one carrier and format a number may belong to.
type Candidate struct {
	Carrier  string   // carrier slug, see package carrier
	Name     string   // carrier name
	Format   string   // format id, e.g. "s10", "ups", "fedex_12"
	Score    float64  // 0..1, higher is more likely
	Checksum Checksum // check-digit outcome
	Country  string   // ISO 3166-1 alpha-2 the number belongs to, "" if unknown
	Reasons  Reasons  // why the candidate is listed and ranked so

	f      *format
	ref    *carrierRef
	number string
}

// URL returns the carrier's public tracking page for the number.
func (c Candidate) URL() string {
	if c.ref == nil {
		return ""
	}
	return string(c.ref.appendURL(nil, c.number))
}

// AppendURL appends the tracking page URL to dst without allocating.
func (c Candidate) AppendURL(dst []byte) []byte {
	if c.ref == nil {
		return dst
	}
	return c.ref.appendURL(dst, c.number)
}

// Fields decodes what the number says under this candidate's format.
func (c Candidate) Fields() []Field { return c.AppendFields(nil) }

// AppendFields appends the decoded fields to dst; the strings point into
// the number and into immutable tables, so a reused dst makes it free of
// allocations.
func (c Candidate) AppendFields(dst []Field) []Field {
	if c.f == nil || c.f.fields == nil {
		return dst
	}
	return c.f.fields(c.number, dst)
}

// Source says where the format's rule comes from.
func (c Candidate) Source() string {
	if c.f == nil {
		return ""
	}
	return c.f.source
}

// FormatName is the human name of the candidate's format.
func (c Candidate) FormatName() string {
	if c.f == nil {
		return ""
	}
	return c.f.name
}

// Result is what Detect finds for one input.
//
// Valid is true when at least one candidate holds: its check digit is valid,
// or its format has no check digit and the whole structure (length,
// character classes, fixed prefix or suffix) matches. It is false when
// nothing matches or every matching format's check digit fails. A format
// without a check digit cannot be disproved, so such numbers count as valid
// but score lower; Score, not Valid, tells a strong match from a weak one,
// and Search omits weak matches unless the text around them talks about
// tracking.
type Result struct {
	Input      string      // the input as given
	Number     string      // the normalised number ("" if none could be read)
	Valid      bool        // see the type comment
	Country    string      // country the number was issued in, where the format says
	Error      string      // why Valid is false ("" when valid)
	Candidates []Candidate // best first
}

// Best returns the highest-ranked candidate, if any.
func (r *Result) Best() (Candidate, bool) {
	if len(r.Candidates) == 0 {
		return Candidate{}, false
	}
	return r.Candidates[0], true
}

// The values of Result.Error.
const (
	ErrEmpty         = "empty"
	ErrTooLong       = "too long"
	ErrCharacters    = "contains characters no tracking number has"
	ErrNoFormat      = "not a tracking number"
	ErrCheckDigit    = "check digit does not hold"
	ErrNoNumberInURL = "no tracking number in URL"
)

// Hints re-rank candidates with what the caller knows about the shipment.
type Hints struct {
	Origin      string   // ISO 3166-1 alpha-2 of the origin country
	Destination string   // ISO 3166-1 alpha-2 of the destination country
	Preferred   []string // carrier slugs to rank first
	Enabled     []string // if not empty, carriers outside it are ranked down
}
