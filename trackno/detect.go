package trackno

import (
	"math"
	"strings"
	"sync"
	"unsafe"

	"github.com/waypost/waypost/carrier"
)

func init() {
	initS10()
	register(usFormats, intlFormats)
	for _, f := range formats {
		for _, s := range f.shared {
			f.sharedInfo = append(f.sharedInfo, carrier.LookupPtr(s.slug))
		}
	}
}

// Detect recognises one tracking number (see Normalize for what it
// accepts) and returns every candidate carrier, best first.
func Detect(input string) Result { return DetectHints(input, Hints{}) }

// DetectHints is Detect with hints that re-rank the candidates.
//
// It allocates at most twice: the candidate slice and, when normalising
// changed the input, the number. Bulk callers use a Detector instead.
func DetectHints(input string, h Hints) Result {
	d := detectorPool.Get().(*Detector)
	res, cands := detect(input, &h, &d.buf, d.cands[:0])
	d.cands = cands
	if res.Number != "" && !inside(res.Number, input) {
		res.Number = strings.Clone(res.Number)
	}
	if len(cands) > 0 {
		res.Candidates = make([]Candidate, len(cands))
		copy(res.Candidates, cands)
		for i := range res.Candidates {
			res.Candidates[i].number = res.Number
		}
	}
	detectorPool.Put(d)
	return res
}

// detectorPool lends DetectHints its buffers: the matcher calls format
// functions through func values, so buffers on the stack would escape and
// cost an allocation each.
var detectorPool = sync.Pool{New: func() any { return NewDetector(Hints{}) }}

// inside reports whether sub is a substring of s in memory (not by value).
func inside(sub, s string) bool {
	if len(sub) == 0 || len(s) == 0 {
		return false
	}
	p, q := uintptr(unsafe.Pointer(unsafe.StringData(sub))), uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return p >= q && p+uintptr(len(sub)) <= q+uintptr(len(s))
}

// Detector recognises numbers in bulk without allocating: it reuses its
// buffers, so the Result it returns, and every string in it that is not
// part of the input, stays valid only until the next call. A Detector is
// not safe for concurrent use; give each goroutine its own.
type Detector struct {
	hints Hints
	buf   [maxNumber]byte
	cands []Candidate
	res   Result
}

// NewDetector returns a Detector that applies h to every number.
func NewDetector(h Hints) *Detector {
	return &Detector{hints: h, cands: make([]Candidate, 0, 16)}
}

// Detect recognises one number; see the type comment for the lifetime of
// the result.
func (d *Detector) Detect(input string) *Result {
	res, cands := detect(input, &d.hints, &d.buf, d.cands[:0])
	d.cands = cands
	res.Candidates = cands
	d.res = res
	return &d.res
}

// detect is the core of Detect. The number may point into buf and the
// candidates are appended to cands; Result.Candidates is left for the
// caller to set.
func detect(input string, h *Hints, buf *[maxNumber]byte, cands []Candidate) (Result, []Candidate) {
	out, a, b, same, err := normalize(buf[:0], input)
	if err == errURL {
		return detectURL(input, h, buf, cands)
	}
	if err != "" {
		return Result{Input: input, Error: err}, cands
	}
	var number string
	if same {
		number = input[a:b]
	} else {
		number = unsafe.String(unsafe.SliceData(out), len(out))
	}
	return run(input, number, h, cands)
}

// detectURL tries each value a tracking URL carries and keeps the first
// that is a valid number, else the first that matches anything.
func detectURL(input string, h *Hints, buf *[maxNumber]byte, cands []Candidate) (Result, []Candidate) {
	var fallback string
	for _, v := range urlValues(input) {
		out, a, b, same, err := normalize(buf[:0], v)
		if err != "" {
			continue
		}
		number := v[a:b]
		if !same {
			number = string(out)
		}
		res, c := run(input, number, h, cands[:0])
		if res.Valid {
			return res, c
		}
		if fallback == "" && len(c) > 0 {
			fallback = number
		}
	}
	if fallback != "" {
		return run(input, fallback, h, cands[:0])
	}
	return Result{Input: input, Error: ErrNoNumberInURL}, cands[:0]
}

// run matches a normalised number against every format of its length.
func run(input, number string, h *Hints, cands []Candidate) (Result, []Candidate) {
	res := Result{Input: input, Number: number, Error: ErrNoFormat}
	n := unsafe.Slice(unsafe.StringData(number), len(number))
	if len(n) <= maxNumber {
		allDigits := true
		for _, c := range n {
			if c > '9' {
				allDigits = false
				break
			}
		}
		for _, f := range byLen[len(n)] {
			if f.first>>sym[n[0]]&1 == 0 || !f.matches(n, allDigits) || (f.accept != nil && !f.accept(n)) {
				continue
			}
			cands = f.candidates(n, number, cands)
		}
	}
	cands = applyHints(h, cands)
	cands = finish(cands)
	if len(cands) == 0 {
		return res, cands
	}
	res.Country = cands[0].Country
	res.Error = ErrCheckDigit
	for i := range cands {
		if cands[i].Checksum != ChecksumInvalid {
			res.Valid, res.Error = true, ""
			break
		}
	}
	return res, cands
}

// candidates scores one matching format and appends its candidates. The
// candidate is built in place in out: this is the hot path.
func (f *format) candidates(n []byte, number string, out []Candidate) []Candidate {
	out = append(out, Candidate{Format: f.id, f: f, number: number, info: f.info, Reasons: ReasonLength})
	c := &out[len(out)-1]
	if f.specific {
		c.Reasons |= ReasonPrefix
	}
	score := f.prior
	switch {
	case f.valid == nil:
		c.Reasons |= ReasonNoCheckDigit
	case f.valid(n):
		c.Checksum = ChecksumValid
		c.Reasons |= ReasonCheckDigit
		score += (1 - score) * f.strength
	default:
		c.Checksum = ChecksumInvalid
		c.Reasons |= ReasonCheckDigitFails
		score *= 0.2
	}
	if f.bonus != nil {
		b, r := f.bonus(n)
		c.Reasons |= r
		if c.Checksum != ChecksumInvalid {
			score += b
		}
	}
	c.Score = score
	if f.info != nil {
		c.Carrier, c.Name, c.Country = f.info.Slug, f.info.Name, f.info.Country
	}
	if f.country != "" {
		c.Country = f.country
	}
	start := len(out) - 1
	if f.emit != nil {
		base := *c
		out = f.emit(f, n, base, out[:start])
		if len(out) == start {
			return out
		}
	}
	for k, s := range f.shared {
		sc := out[start]
		info := f.sharedInfo[k]
		sc.info, sc.Carrier, sc.Name = info, info.Slug, info.Name
		sc.Score = out[start].Score * s.factor
		sc.Reasons |= ReasonSharedBarcode
		out = append(out, sc)
	}
	return out
}

// applyHints re-ranks with the caller's hints and adds the destination
// post of an S10 item as a candidate of its own.
func applyHints(h *Hints, cands []Candidate) []Candidate {
	if h.Origin == "" && h.Destination == "" && len(h.Preferred) == 0 && len(h.Enabled) == 0 {
		return cands
	}
	if h.Destination != "" && len(h.Destination) == 2 {
		for i, l := 0, len(cands); i < l; i++ {
			c := cands[i]
			if c.Format != "s10" || c.Checksum != ChecksumValid || c.Country == upper2(h.Destination) {
				continue
			}
			dst := s10Post[countryIndex(upper(h.Destination[0]), upper(h.Destination[1]))]
			if dst == nil || dst == c.info {
				continue
			}
			hc := c
			hc.info, hc.Carrier, hc.Name = dst, dst.Slug, dst.Name
			hc.Score = c.Score * 0.9
			hc.Reasons |= ReasonHandOver | ReasonHintDestination
			cands = append(cands, hc)
			break
		}
	}
	for i := range cands {
		c := &cands[i]
		if h.Origin != "" && c.Country != "" && strings.EqualFold(c.Country, h.Origin) {
			c.Score += 0.05
			c.Reasons |= ReasonHintOrigin
		}
		if h.Destination != "" && c.Reasons&ReasonHandOver == 0 && c.Format != "s10" &&
			c.Country != "" && strings.EqualFold(c.Country, h.Destination) {
			c.Score += 0.05
			c.Reasons |= ReasonHintDestination
		}
		if contains(h.Preferred, c.Carrier) {
			c.Score += 0.15
			c.Reasons |= ReasonPreferred
		}
		if len(h.Enabled) > 0 && !contains(h.Enabled, c.Carrier) {
			c.Score *= 0.5
			c.Reasons |= ReasonNotEnabled
		}
	}
	return cands
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func upper2(s string) string {
	if len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return strings.ToUpper(s)
}

// finish clamps and rounds scores, sorts best first (stable, so table
// order breaks ties) and keeps one candidate per carrier: its best.
func finish(c []Candidate) []Candidate {
	for i := range c {
		s := c[i].Score
		if s > 0.99 {
			s = 0.99
		}
		if s < 0 {
			s = 0
		}
		c[i].Score = math.Round(s*1000) / 1000
	}
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].Score > c[j-1].Score; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	k := 0
outer:
	for i := range c {
		for j := 0; j < k; j++ {
			if c[j].Carrier == c[i].Carrier {
				continue outer
			}
		}
		c[k] = c[i]
		k++
	}
	return c[:k]
}
