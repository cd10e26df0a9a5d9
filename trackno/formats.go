package trackno

import "fmt"

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
	emit func(n []byte, base cand, out []cand) []cand

	// checkSpan is the part of the number the check digit protects, check
	// digit last: from, to with to <= 0 counted from the end. The zero
	// value means the whole number.
	checkSpan [2]int

	prior      float64 // score of a match before any check digit
	strength   float64 // share of the remaining doubt a valid check removes
	specific   bool    // has a distinctive prefix or suffix
	shared     []share // carriers that move parcels under this barcode
	sharedRefs []*carrierRef

	compiled   []*pattern
	ref        *carrierRef
	index      uint16 // in formats
	countryIdx uint16 // country index of the numbers' country
	// fanOut is the most candidates one match can add: emit may name two
	// carriers, and each shared carrier adds one.
	fanOut int
}

// share names a carrier that also handles parcels under a format.
type share struct {
	slug   string
	factor float64 // its score relative to the format's own carrier
}

// maxNumber is the longest normalised number any format accepts, plus room.
const maxNumber = 48

// formats lists every format in table order; table order breaks ranking
// ties.
var formats []*format

// maxCands bounds the candidates of one number before ranking; register
// checks that no length and first byte can exceed it, so a Detector keeps
// its candidates in fixed arrays.
const maxCands = 24

// maxCarriers bounds the carriers the formats can name, for the set
// finish keeps; refOf checks it.
const maxCarriers = 1024

func register(tables ...[]*format) {
	for _, t := range tables {
		formats = append(formats, t...)
	}
	seen := map[string]bool{}
	for i, f := range formats {
		f.index = uint16(i)
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
			f.ref = refOf(f.carrier)
			if f.ref == nil {
				panic(fmt.Sprintf("trackno: format %s names unknown carrier %q", f.id, f.carrier))
			}
		}
		for _, s := range f.shared {
			r := refOf(s.slug)
			if r == nil {
				panic(fmt.Sprintf("trackno: format %s shares with unknown carrier %q", f.id, s.slug))
			}
			f.sharedRefs = append(f.sharedRefs, r)
		}
		f.countryIdx = noCountry
		if f.ref != nil {
			f.countryIdx = f.ref.countryIdx
		}
		if f.country != "" {
			f.countryIdx = countryOf(f.country)
		}
		f.fanOut = 1 + len(f.shared)
		if f.emit != nil {
			f.fanOut = 2 + len(f.shared)
		}
		for _, src := range f.pats {
			f.compiled = append(f.compiled, compilePattern(src))
		}
		addRoutes(f)
	}
	for l := range routes {
		for first := range routes[l] {
			n := 1 // the hand-over candidate a destination hint adds
			for _, r := range routes[l][first] {
				if r.rest == 0 { // the last route of its format
					n += r.f.fanOut
				}
			}
			if n > maxCands {
				panic(fmt.Sprintf("trackno: up to %d candidates for length %d, more than maxCands", n, l))
			}
		}
	}
}

// matches reports whether n fits one of f's patterns; the reference
// matcher, used by tests.
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

// lookup returns a meaning function over a table. Codes of one or two
// letters or digits, and codes of three digits, are looked up in a dense
// array built once, so decoding does not hash.
func lookup(t map[string]string) func(string) string {
	if d, ok := denseCodes(t); ok {
		return func(v string) string {
			if k, ok := codeIndex(v); ok && k < len(d) {
				return d[k]
			}
			return ""
		}
	}
	return func(v string) string { return t[v] }
}

// codeIndex maps a code of one or two symbols of 0-9A-Z to 0..1331 (1..36
// for one symbol, 37 + 36a + b for two) and a code of three digits to
// 1332 + its value.
func codeIndex[T ~string | ~[]byte](v T) (int, bool) {
	switch len(v) {
	case 1:
		if a := sym[v[0]]; a < 36 {
			return 1 + int(a), true
		}
	case 2:
		if a, b := sym[v[0]], sym[v[1]]; a < 36 && b < 36 {
			return 37 + 36*int(a) + int(b), true
		}
	case 3:
		if a, b, c := sym[v[0]], sym[v[1]], sym[v[2]]; a < 10 && b < 10 && c < 10 {
			return 1332 + 100*int(a) + 10*int(b) + int(c), true
		}
	}
	return 0, false
}

// denseCodes lays t out by codeIndex, if every key has such an index.
func denseCodes(t map[string]string) ([]string, bool) {
	size := 0
	for k := range t {
		i, ok := codeIndex(k)
		if !ok {
			return nil, false
		}
		size = max(size, i+1)
	}
	d := make([]string, size)
	for k, v := range t {
		i, _ := codeIndex(k)
		d[i] = v
	}
	return d, true
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
