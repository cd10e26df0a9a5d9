package trackno

import (
	"fmt"

	"github.com/waypost/waypost/carrier"
)

// format is one tracking-number format: its structure, its check digit
// and what it decodes to. The tables in formats_*.go list them; init
// compiles the patterns and indexes the formats by length.
type format struct {
	id      string   // stable id, e.g. "s10"
	name    string   // human name
	carrier string   // slug of the carrier; "" when emit picks it per number
	country string   // country the numbers belong to, when the format says
	source  string   // where the rule comes from
	check   string   // check-digit algorithm, "" when the format has none
	pats    []string // structure, see compilePattern

	// valid reports whether the check digit holds (nil: no check digit).
	valid func(n []byte) bool
	// accept is an extra structural test (nil: none).
	accept func(n []byte) bool
	// fields decodes the number (nil: nothing to decode).
	fields func(n string, dst []Field) []Field
	// bonus adds evidence beyond the pattern (known service code, prefix).
	bonus func(n []byte) (float64, Reasons)
	// emit turns a match into candidates when the carrier depends on the
	// number (S10 issuers) or several carriers share the barcode.
	emit func(f *format, n []byte, base Candidate, out []Candidate) []Candidate

	// checkSpan is the part of the number the check digit protects, check
	// digit last: from, to with to <= 0 counted from the end. The zero
	// value means the whole number.
	checkSpan [2]int

	prior      float64 // score of a match before any check digit
	strength   float64 // share of the remaining doubt a valid check removes
	specific   bool    // has a distinctive prefix or suffix
	shared     []share // carriers that move parcels under this barcode
	sharedInfo []*carrier.Info

	compiled []*pattern
	first    uint64 // union of the first-byte masks
	info     *carrier.Info
	order    int
}

// share names a carrier that also handles parcels under a format.
type share struct {
	slug   string
	factor float64 // its score relative to the format's own carrier
}

// maxNumber is the longest normalised number any format accepts, plus room.
const maxNumber = 48

var (
	formats []*format
	byLen   [maxNumber + 1][]*format
)

func register(tables ...[]*format) {
	for _, t := range tables {
		for _, f := range t {
			f.order = len(formats)
			formats = append(formats, f)
		}
	}
	seen := map[string]bool{}
	for _, f := range formats {
		if seen[f.id] {
			panic("trackno: duplicate format id " + f.id)
		}
		seen[f.id] = true
		if f.source == "" {
			panic("trackno: format " + f.id + " has no source")
		}
		if (f.check == "") != (f.valid == nil) {
			panic("trackno: format " + f.id + ": check and valid disagree")
		}
		if f.carrier != "" {
			f.info = carrier.LookupPtr(f.carrier)
			if f.info == nil {
				panic(fmt.Sprintf("trackno: format %s names unknown carrier %q", f.id, f.carrier))
			}
		}
		for _, s := range f.shared {
			if carrier.LookupPtr(s.slug) == nil {
				panic(fmt.Sprintf("trackno: format %s shares with unknown carrier %q", f.id, s.slug))
			}
		}
		lens := map[int]bool{}
		for _, src := range f.pats {
			p := compilePattern(src)
			f.compiled = append(f.compiled, p)
			f.first |= p.first
			for l := p.minLen; l <= p.maxLen && l <= maxNumber; l++ {
				lens[l] = true
			}
		}
		for l := range lens {
			byLen[l] = append(byLen[l], f)
		}
	}
	// Keep each length's list in table order so ranking ties are stable.
	for l := range byLen {
		list := byLen[l]
		for i := 1; i < len(list); i++ {
			for j := i; j > 0 && list[j].order < list[j-1].order; j-- {
				list[j], list[j-1] = list[j-1], list[j]
			}
		}
	}
}

func (f *format) matches(n []byte, allDigits bool) bool {
	for _, p := range f.compiled {
		if p.match(n, allDigits) {
			return true
		}
	}
	return false
}

// Format describes one format for documentation and tests.
type Format struct {
	ID, Name, Carrier, Country, Source string
	// Check names the check-digit algorithm, "" when there is none.
	Check    string
	Patterns []string
}

// Formats lists every format Detect knows, in table order.
func Formats() []Format {
	out := make([]Format, len(formats))
	for i, f := range formats {
		out[i] = Format{ID: f.id, Name: f.name, Carrier: f.carrier, Country: f.country,
			Source: f.source, Check: f.check, Patterns: append([]string(nil), f.pats...)}
	}
	return out
}

// field helpers ---------------------------------------------------------

// span is a fixed slice of the number: from..to, negative from the end.
type span struct {
	name     string
	from, to int
	meaning  func(v string) string
}

func (s span) cut(n string) (string, bool) {
	a, b := s.from, s.to
	if a < 0 {
		a += len(n)
	}
	if b <= 0 {
		b += len(n)
	}
	if a < 0 || b > len(n) || a >= b {
		return "", false
	}
	return n[a:b], true
}

// spans returns a fields function cutting fixed spans.
func spans(ss ...span) func(n string, dst []Field) []Field {
	return func(n string, dst []Field) []Field {
		for _, s := range ss {
			v, ok := s.cut(n)
			if !ok {
				continue
			}
			m := ""
			if s.meaning != nil {
				m = s.meaning(v)
			}
			dst = append(dst, Field{Name: s.name, Value: v, Meaning: m})
		}
		return dst
	}
}

// lookup returns a meaning function over a table.
func lookup(t map[string]string) func(string) string {
	return func(v string) string { return t[v] }
}

// checks -----------------------------------------------------------------

// lastDigit compares an expected check value with the last byte.
func lastIs(n []byte, v int) bool { return int(n[len(n)-1]-'0') == v }

func checkGS1Last(n []byte) bool  { return lastIs(n, gs1(n[:len(n)-1])) }
func checkLuhnLast(n []byte) bool { return lastIs(n, luhn(n[:len(n)-1])) }
func checkMod7Last(n []byte) bool { return lastIs(n, mod7(n[:len(n)-1])) }

// hasDigit reports whether n[from:] holds at least one digit.
func hasDigit(n []byte, from int) bool {
	for _, c := range n[from:] {
		if c <= '9' {
			return true
		}
	}
	return false
}

func hasLetter(n []byte) bool {
	for _, c := range n {
		if c >= 'A' {
			return true
		}
	}
	return false
}

func startsWith[T ~string | ~[]byte](n T, p string) bool {
	return len(n) >= len(p) && string(n[:len(p)]) == p
}

// gs1With computes gs1 over prefix+s without allocating.
func gs1With(prefix string, s []byte) int {
	var buf [maxNumber + 4]byte
	k := copy(buf[:], prefix)
	k += copy(buf[k:], s)
	return gs1(buf[:k])
}
