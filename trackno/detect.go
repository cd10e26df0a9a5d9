package trackno

import (
	"encoding/binary"
	"math"
	"strings"
	"sync"
	"unsafe"
)

func init() {
	initS10()
	register(usFormats, intlFormats)
}

// Detect recognises one tracking number (see Normalize for what it
// accepts) and returns every candidate carrier, best first.
func Detect(input string) Result { return DetectHints(input, Hints{}) }

// DetectHints is Detect with hints that re-rank the candidates.
//
// The Result owns its memory, which costs one allocation when there are
// candidates (the candidate slice) and one more when normalising changed
// the input (the number). Bulk callers use a Detector, which allocates
// nothing.
func DetectHints(input string, h Hints) Result {
	d := detectorPool.Get().(*Detector)
	var res Result
	work := d.detect(&res, input, &h)
	if res.Number != "" && !inside(res.Number, input) {
		res.Number = strings.Clone(res.Number)
	}
	if len(work) > 0 {
		res.Candidates = make([]Candidate, len(work))
		materialize(res.Candidates, work, res.Number)
	}
	detectorPool.Put(d)
	return res
}

// detectorPool lends DetectHints its scratch space: a Detector is a few
// kilobytes, too large to clear on every call.
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
	hints  Hints
	buf    [maxNumber]byte
	work   [maxCands]cand
	ranked [maxCands]cand
	cands  [maxCands]Candidate
	res    Result
}

// NewDetector returns a Detector that applies h to every number.
func NewDetector(h Hints) *Detector { return &Detector{hints: h} }

// Detect recognises one number; see the type comment for the lifetime of
// the result.
func (d *Detector) Detect(input string) *Result {
	res := &d.res
	work := d.detect(res, input, &d.hints)
	res.Candidates = d.cands[:len(work)]
	materialize(res.Candidates, work, res.Number)
	return res
}

// cand is a candidate while it is ranked: three words without pointers,
// a fifth of a Candidate, so ranking moves little memory and needs no
// write barriers; materialize turns the survivors into Candidates.
type cand struct {
	score    float64
	reasons  Reasons
	f        uint16 // index in formats
	carrier  uint16 // index in refList
	country  uint16 // index in countryCodes
	checksum Checksum
}

// materialize writes the ranked candidates into dst, len(dst) == len(src).
func materialize(dst []Candidate, src []cand, number string) {
	dst = dst[:len(src)]
	for i := range src {
		c := &src[i]
		f, r := formats[c.f], refList[c.carrier]
		// Field by field: a composite literal would be built on the stack
		// and copied.
		p := &dst[i]
		p.Carrier, p.Name, p.Format = r.slug, r.name, f.id
		p.Score, p.Checksum, p.Country, p.Reasons = c.score, c.checksum, countryCodes[c.country], c.reasons
		p.f, p.ref, p.number = f, r, number
	}
}

// trimSpace returns the bounds of s without surrounding ASCII spaces,
// tabs and line ends.
func trimSpace(s string) (a, b int) {
	a, b = 0, len(s)
	for a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n') {
		a++
	}
	for b > a && (s[b-1] == ' ' || s[b-1] == '\t' || s[b-1] == '\r' || s[b-1] == '\n') {
		b--
	}
	return a, b
}

// symClass classifies bytes for the fast paths of detect: digits,
// upper-case letters, lower-case letters, and the two separators people
// type inside numbers (space and dash); 0 is anything else.
var symClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = classDigit
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = classUpper
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = classLower
	}
	t[' '], t['-'] = classSep, classSep
	return t
}()

const (
	classDigit = 1 + iota
	classUpper
	classLower
	classSep
)

// detect is the core of Detect: it fills res, except Candidates, and
// returns the ranked candidates. The number may point into d.buf and the
// candidates into d.work.
func (d *Detector) detect(res *Result, input string, h *Hints) []cand {
	if len(input) <= MaxInput {
		a, b := trimSpace(input)
		t := input[a:b]
		// Fast path: an input that already is a clean number, perhaps with
		// surrounding spaces, is read in one pass that also maps its
		// digits.
		if l := len(t); l > 0 && l <= maxNumber {
			if digits, ok := plainDigits(t); ok {
				return d.run(res, input, t, digits, h)
			}
		}
		// Second path: letters of either case, digits, and spaces or
		// dashes between them, the way most numbers are pasted. This is
		// what normalize returns for such input.
		if n, digits, ok := d.fold(t); ok {
			return d.run(res, input, n, digits, h)
		}
	}
	out, a, b, same, err := normalize(d.buf[:0], input)
	if err == errURL {
		return d.detectURL(res, input, h)
	}
	if err != "" {
		*res = Result{Input: input, Error: err}
		return d.work[:0]
	}
	if same {
		return d.run(res, input, input[a:b], digitBits(out), h)
	}
	return d.run(res, input, unsafe.String(unsafe.SliceData(out), len(out)), digitBits(out), h)
}

// plainDigits reports whether t, at most 64 bytes, is made of 0-9A-Z
// only, and returns its digit bitmap (bit i set when t[i] is a digit).
// Eight bytes are classified at a time: adding a constant to every byte
// lane sets the lane's high bit exactly when the byte is at least a bound,
// and lanes never carry into each other since ASCII bytes are below 0x80.
func plainDigits(t string) (uint64, bool) {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	var digits uint64
	l := len(t)
	if l < 8 {
		for i := 0; i < l; i++ {
			switch symClass[t[i]] {
			case classDigit:
				digits |= 1 << i
			case classUpper:
			default:
				return 0, false
			}
		}
		return digits, true
	}
	b := unsafe.Slice(unsafe.StringData(t), l)
	for i := 0; ; i += 8 {
		if i > l-8 {
			if i == l {
				break
			}
			i = l - 8 // the last lanes overlap the previous word
		}
		x := binary.LittleEndian.Uint64(b[i:])
		if x&highs != 0 {
			return 0, false
		}
		dig := (x + (0x80-'0')*ones) &^ (x + (0x80-'9'-1)*ones) & highs
		up := (x + (0x80-'A')*ones) &^ (x + (0x80-'Z'-1)*ones) & highs
		if dig|up != highs {
			return 0, false
		}
		// Gather the high bit of each lane into one byte, lane i to bit i.
		digits |= ((dig >> 7) * 0x0102040810204080 >> 56) << i
		if i == l-8 {
			break
		}
	}
	return digits, true
}

// fold reads t, made only of digits, letters, spaces and dashes, into
// d.buf: upper-cased, without the separators. It fails on any other byte,
// an empty result or one longer than maxNumber; normalize then decides.
func (d *Detector) fold(t string) (string, uint64, bool) {
	var digits uint64
	k := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch symClass[c] {
		case classDigit:
			if k == maxNumber {
				return "", 0, false
			}
			d.buf[k] = c
			digits |= 1 << k
			k++
		case classUpper:
			if k == maxNumber {
				return "", 0, false
			}
			d.buf[k] = c
			k++
		case classLower:
			if k == maxNumber {
				return "", 0, false
			}
			d.buf[k] = c - 'a' + 'A'
			k++
		case classSep:
		default:
			return "", 0, false
		}
	}
	if k == 0 {
		return "", 0, false
	}
	return unsafe.String(&d.buf[0], k), digits, true
}

// detectURL tries each value a tracking URL carries and keeps the first
// that is a valid number, else the first that matches anything.
func (d *Detector) detectURL(res *Result, input string, h *Hints) []cand {
	var fallback string
	for _, v := range urlValues(input) {
		out, a, b, same, err := normalize(d.buf[:0], v)
		if err != "" {
			continue
		}
		number := v[a:b]
		if !same {
			number = string(out)
		}
		c := d.run(res, input, number, digitString(number), h)
		if res.Valid {
			return c
		}
		if fallback == "" && len(c) > 0 {
			fallback = number
		}
	}
	if fallback != "" {
		return d.run(res, input, fallback, digitString(fallback), h)
	}
	*res = Result{Input: input, Error: ErrNoNumberInURL}
	return d.work[:0]
}

func digitString(n string) uint64 {
	return digitBits(unsafe.Slice(unsafe.StringData(n), len(n)))
}

// run matches a normalised number, whose digit bitmap is digits, against
// the formats routed from its length and first byte, ranks the
// candidates in d.work and fills res but its Candidates.
func (d *Detector) run(res *Result, input, number string, digits uint64, h *Hints) []cand {
	*res = Result{Input: input, Number: number, Error: ErrNoFormat}
	work := d.work[:0]
	n := unsafe.Slice(unsafe.StringData(number), len(number))
	if len(n) > 0 && len(n) <= maxNumber && sym[n[0]] < 36 {
		rs := routes[len(n)][sym[n[0]]]
		for i := 0; i < len(rs); i++ {
			r := &rs[i]
			if !r.fits(n, digits) {
				continue
			}
			i += r.rest
			if f := r.f; f.accept == nil || f.accept(n) {
				work = f.candidates(n, work)
			}
		}
	}
	if len(work) == 0 {
		return work
	}
	work = applyHints(h, work)
	work = finish(work, &d.ranked)
	res.Country = countryCodes[work[0].country]
	res.Error = ErrCheckDigit
	for i := range work {
		if work[i].checksum != ChecksumInvalid {
			res.Valid, res.Error = true, ""
			break
		}
	}
	return work
}

// candidates scores one matching format and appends its candidates; out
// has room for f.fanOut more (register checks the bound).
func (f *format) candidates(n []byte, out []cand) []cand {
	c := cand{f: f.index, country: f.countryIdx, reasons: ReasonLength}
	if f.ref != nil {
		c.carrier = f.ref.id
	}
	if f.specific {
		c.reasons |= ReasonPrefix
	}
	score := f.prior
	switch {
	case f.valid == nil:
		c.reasons |= ReasonNoCheckDigit
	case f.valid(n):
		c.checksum = ChecksumValid
		c.reasons |= ReasonCheckDigit
		score += (1 - score) * f.strength
	default:
		c.checksum = ChecksumInvalid
		c.reasons |= ReasonCheckDigitFails
		score *= 0.2
	}
	if f.bonus != nil {
		b, r := f.bonus(n)
		c.reasons |= r
		if c.checksum != ChecksumInvalid {
			score += b
		}
	}
	c.score = score
	start := len(out)
	if f.emit != nil {
		out = f.emit(n, c, out)
		if len(out) == start {
			return out
		}
	} else {
		out = append(out, c)
	}
	for k, s := range f.shared {
		sc := out[start]
		sc.carrier = f.sharedRefs[k].id
		sc.score = out[start].score * s.factor
		sc.reasons |= ReasonSharedBarcode
		out = append(out, sc)
	}
	return out
}

// applyHints re-ranks with the caller's hints and adds the destination
// post of an S10 item as a candidate of its own.
func applyHints(h *Hints, cands []cand) []cand {
	if h.Origin == "" && h.Destination == "" && len(h.Preferred) == 0 && len(h.Enabled) == 0 {
		return cands
	}
	if h.Destination != "" && len(h.Destination) == 2 {
		for i, l := 0, len(cands); i < l; i++ {
			c := cands[i]
			if formats[c.f].id != "s10" || c.checksum != ChecksumValid || countryCodes[c.country] == upper2(h.Destination) {
				continue
			}
			dst := s10Post[countryIndex(upper(h.Destination[0]), upper(h.Destination[1]))]
			if dst == nil || dst.id == c.carrier {
				continue
			}
			hc := c
			hc.carrier = dst.id
			hc.score = c.score * 0.9
			hc.reasons |= ReasonHandOver | ReasonHintDestination
			cands = append(cands, hc)
			break
		}
	}
	for i := range cands {
		c := &cands[i]
		country, slug := countryCodes[c.country], refList[c.carrier].slug
		if h.Origin != "" && country != "" && strings.EqualFold(country, h.Origin) {
			c.score += 0.05
			c.reasons |= ReasonHintOrigin
		}
		if h.Destination != "" && c.reasons&ReasonHandOver == 0 && formats[c.f].id != "s10" &&
			country != "" && strings.EqualFold(country, h.Destination) {
			c.score += 0.05
			c.reasons |= ReasonHintDestination
		}
		if contains(h.Preferred, slug) {
			c.score += 0.15
			c.reasons |= ReasonPreferred
		}
		if len(h.Enabled) > 0 && !contains(h.Enabled, slug) {
			c.score *= 0.5
			c.reasons |= ReasonNotEnabled
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
// order breaks ties) and keeps one candidate per carrier, its best. With
// more than one candidate the result is written to out.
func finish(c []cand, out *[maxCands]cand) []cand {
	if len(c) == 1 {
		if r, _, ok := roundUsual(c[0].score); ok {
			c[0].score = r
		} else {
			c[0].score, _ = roundScore(c[0].score)
		}
		return c
	}
	// Sort keys, not candidates: thousandths of the rounded score, best
	// first, then the position, which keeps the sort stable.
	var keys [maxCands]uint32
	for i := range c {
		s, t, ok := roundUsual(c[i].score)
		if !ok {
			s, t = roundScore(c[i].score)
		}
		c[i].score = s
		keys[i] = uint32(1000-t)<<8 | uint32(i)
	}
	ks := keys[:len(c)]
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	var seen [maxCarriers / 64]uint64
	k := 0
	for _, key := range ks {
		x := &c[key&0xff]
		w, bit := x.carrier/64, x.carrier%64
		if seen[w]>>bit&1 != 0 {
			continue
		}
		seen[w] |= 1 << bit
		out[k] = *x
		k++
	}
	return out[:k]
}

// roundScore clamps s to 0..0.99 and rounds it to three decimals, as
// math.Round(s*1000)/1000 does, and returns the thousandths too.
func roundScore(s float64) (float64, int) {
	if r, t, ok := roundUsual(s); ok {
		return r, t
	}
	if s > 0.99 {
		s = 0.99
	}
	if s < 0 {
		s = 0
	}
	r := math.Round(s * 1000)
	return r / 1000, int(r)
}

// roundUsual is roundScore for 0 < s <= 0.99, small enough to inline: the
// fraction of a positive float is exact, so truncating and comparing it
// with one half rounds as math.Round does.
func roundUsual(s float64) (float64, int, bool) {
	if !(s > 0 && s <= 0.99) {
		return 0, 0, false
	}
	x := s * 1000
	t := int(x)
	if x-float64(t) >= 0.5 {
		t++
	}
	return float64(t) / 1000, t, true
}
