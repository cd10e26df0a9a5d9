package trackno

import "fmt"

// The matcher works on normalised numbers: bytes in [0-9A-Z] only. Each
// format is described by one or more small patterns compiled once at start
// up; matching a pattern is a walk over fixed-width segments with a bitmask
// test per byte, so no regular expression runs on the hot path.

// sym maps '0'..'9' to 0..9 and 'A'..'Z' to 10..35; every other byte maps to
// 63, a bit no class mask sets.
var sym = func() (t [256]uint8) {
	for i := range t {
		t[i] = 63
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(c - '0')
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = uint8(c-'A') + 10
	}
	return t
}()

const (
	maskDigit  uint64 = 1<<10 - 1
	maskLetter uint64 = (1<<26 - 1) << 10
	maskAlnum         = maskDigit | maskLetter
)

// atom is one segment: between min and max bytes, each in mask.
type atom struct {
	mask     uint64
	min, max int
}

// pattern is a compiled segment list. At most one atom varies in length,
// so the length of the input fixes how many bytes each atom takes.
type pattern struct {
	src            string
	atoms          []atom
	minLen, maxLen int
	varAtom        int // index of the variable atom, -1 if none
	first          uint64
	// digitTail is the index of the first atom from which every atom is
	// exactly \d: an all-digit number needs no test from there on.
	digitTail int
}

// compilePattern parses a tiny regular-expression subset: literals 0-9 and
// A-Z, \d (digit), \L (letter), . (digit or letter), classes like [A-HJ0-5],
// and the quantifiers {n} and {n,m}. It panics on a bad pattern: patterns
// are constants and a panic at start up is caught by every test run.
func compilePattern(src string) *pattern {
	p := &pattern{src: src, varAtom: -1}
	for i := 0; i < len(src); {
		var a atom
		switch c := src[i]; {
		case c == '\\' && i+1 < len(src) && src[i+1] == 'd':
			a.mask, i = maskDigit, i+2
		case c == '\\' && i+1 < len(src) && src[i+1] == 'L':
			a.mask, i = maskLetter, i+2
		case c == '.':
			a.mask, i = maskAlnum, i+1
		case c == '[':
			j := i + 1
			for ; j < len(src) && src[j] != ']'; j++ {
				if j+2 < len(src) && src[j+1] == '-' && src[j+2] != ']' {
					for x := src[j]; x <= src[j+2]; x++ {
						a.mask |= 1 << sym[x]
					}
					j += 2
					continue
				}
				a.mask |= 1 << sym[src[j]]
			}
			if j >= len(src) || a.mask&^maskAlnum != 0 {
				panic(fmt.Sprintf("trackno: bad class in pattern %q", src))
			}
			i = j + 1
		case sym[c] < 36:
			a.mask, i = 1<<sym[c], i+1
		default:
			panic(fmt.Sprintf("trackno: bad byte %q in pattern %q", c, src))
		}
		a.min, a.max = 1, 1
		if i < len(src) && src[i] == '{' {
			var n, m int
			j := i + 1
			for ; j < len(src) && src[j] >= '0' && src[j] <= '9'; j++ {
				n = n*10 + int(src[j]-'0')
			}
			m = n
			if j < len(src) && src[j] == ',' {
				m = 0
				for j++; j < len(src) && src[j] >= '0' && src[j] <= '9'; j++ {
					m = m*10 + int(src[j]-'0')
				}
			}
			if j >= len(src) || src[j] != '}' || n < 1 || m < n {
				panic(fmt.Sprintf("trackno: bad quantifier in pattern %q", src))
			}
			a.min, a.max, i = n, m, j+1
		}
		if a.min != a.max {
			if p.varAtom >= 0 {
				panic(fmt.Sprintf("trackno: pattern %q has two variable segments", src))
			}
			p.varAtom = len(p.atoms)
		}
		p.atoms = append(p.atoms, a)
		p.minLen += a.min
		p.maxLen += a.max
	}
	if len(p.atoms) == 0 {
		panic("trackno: empty pattern")
	}
	p.first = p.atoms[0].mask
	p.digitTail = len(p.atoms)
	for p.digitTail > 0 && p.atoms[p.digitTail-1].mask == maskDigit {
		p.digitTail--
	}
	return p
}

// match reports whether n, a normalised number, fits the pattern;
// allDigits says n has no letter, which lets the digit tail go untested.
// The detector matches through routes instead; match is the reference the
// routes are tested against.
func (p *pattern) match(n []byte, allDigits bool) bool {
	if len(n) < p.minLen || len(n) > p.maxLen {
		return false
	}
	extra := len(n) - p.minLen
	i := 0
	last := len(p.atoms)
	if allDigits {
		last = p.digitTail
	}
	for k := 0; k < last; k++ {
		a := &p.atoms[k]
		cnt := a.min
		if k == p.varAtom {
			cnt += extra
		}
		for end := i + cnt; i < end; i++ {
			if a.mask>>sym[n[i]]&1 == 0 {
				return false
			}
		}
	}
	return true
}

// masksAt lays the pattern out for one length: the mask of each position.
func (p *pattern) masksAt(l int) []uint64 {
	if l < p.minLen || l > p.maxLen {
		return nil
	}
	out := make([]uint64, 0, l)
	for k, a := range p.atoms {
		cnt := a.min
		if k == p.varAtom {
			cnt += l - p.minLen
		}
		for j := 0; j < cnt; j++ {
			out = append(out, a.mask)
		}
	}
	return out
}

// shape is a pattern laid out for one length, tested against a number in
// a few word operations: every normalised byte is a digit or a letter, so
// the positions that must be digits and those that must be letters are
// two bitmasks checked against the number's digit bitmap. Only positions
// with narrower classes (literals, ranges) are tested byte by byte.
type shape struct {
	digits, letters uint64    // bit i: position i must be a digit / a letter
	tests           []posTest // other positions to test, position 0 excluded
}

// posTest is one position tested against a class mask.
type posTest struct {
	mask uint64
	pos  int
}

// newShape builds the shape of a pattern at one length. Position 0 needs
// no test: routes are indexed by the first byte.
func newShape(masks []uint64) shape {
	var s shape
	for i, m := range masks {
		bit := uint64(1) << i
		if m&^maskDigit == 0 {
			s.digits |= bit
		}
		if m&^maskLetter == 0 {
			s.letters |= bit
		}
		if i > 0 && m != maskDigit && m != maskLetter && m != maskAlnum {
			s.tests = append(s.tests, posTest{mask: m, pos: i})
		}
	}
	return s
}

// fits reports whether n, whose digit bitmap is digits, has the shape.
// The caller guarantees the length and the first byte.
func (s *shape) fits(n []byte, digits uint64) bool {
	if s.digits&^digits != 0 || s.letters&digits != 0 {
		return false
	}
	for _, t := range s.tests {
		if t.mask>>sym[n[t.pos]]&1 == 0 {
			return false
		}
	}
	return true
}

// route is one pattern of a format laid out for one length; rest counts
// the routes of the same format that follow it, which a match skips.
type route struct {
	shape
	f    *format
	rest int
}

// routes indexes the formats' patterns by length and by the symbol of the
// first byte (0-9A-Z), in table order, so a number only meets the
// patterns that can match it.
var routes [maxNumber + 1][36][]route

// addRoutes indexes f's patterns.
func addRoutes(f *format) {
	for _, p := range f.compiled {
		for l := p.minLen; l <= p.maxLen && l <= maxNumber; l++ {
			masks := p.masksAt(l)
			s := newShape(masks)
			for first := 0; first < 36; first++ {
				if masks[0]>>first&1 == 0 {
					continue
				}
				list := routes[l][first]
				// The routes of one format stay together: count them.
				for k := len(list) - 1; k >= 0 && list[k].f == f; k-- {
					list[k].rest++
				}
				routes[l][first] = append(list, route{shape: s, f: f})
			}
		}
	}
}

// digitBits returns the bitmap of the digits of n, a normalised number of
// at most 64 bytes: bit i is set when n[i] is a digit.
func digitBits(n []byte) uint64 {
	var d uint64
	for i, c := range n {
		if c <= '9' {
			d |= 1 << i
		}
	}
	return d
}
