package trackno

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Search finds every tracking number in free text, such as a shipping
// confirmation e-mail, and returns one Result per distinct number in the
// order they appear. Input of each Result is the text the number was read
// from.
//
// Search reports only numbers that hold (see Result) and are likely: a
// number with letters needs a score of at least 0.5, an all-digit number
// at least 0.85 (a strong check digit such as USPS IMpb or S10-grade
// evidence); weaker matches are reported only when the text just before
// them talks about tracking or names a carrier. So order numbers, phone
// numbers, dates and words are left out unless they look like tracking
// numbers where tracking numbers are expected.
func Search(text string) []Result { return SearchHints(text, Hints{}) }

// SearchHints is Search with hints that re-rank each number's candidates.
func SearchHints(text string, h Hints) []Result {
	d := detectorPool.Get().(*Detector)
	d.hints = h
	defer func() {
		d.hints = Hints{}
		detectorPool.Put(d)
	}()
	var out []Result
	seen := map[string]bool{}
	emit := func(r *Result, input string) {
		if seen[r.Number] {
			return
		}
		c := *r
		c.Input = input
		// r.Number may alias a buffer the next window reuses: the map key
		// must be the copy, or the key would change under the map.
		c.Number = strings.Clone(r.Number)
		seen[c.Number] = true
		c.Candidates = append([]Candidate(nil), r.Candidates...)
		for i := range c.Candidates {
			c.Candidates[i].number = c.Number
		}
		out = append(out, c)
	}

	var toks []token
	var buf [maxNumber]byte
	for pos := 0; pos < len(text); {
		// URLs first: a tracking link carries its number in a parameter.
		if u := urlAt(text, pos); u > pos {
			if r := d.Detect(text[pos:u]); r.Valid && likely(r, text, pos) {
				emit(r, text[pos:u])
			}
			pos = u
			continue
		}
		end := nextGroup(text, pos, &toks)
		for i := 0; i < len(toks); {
			found := false
			for j := min(len(toks), i+8) - 1; j >= i; j-- {
				n := buf[:0]
				ok, digits := true, false
				for _, t := range toks[i : j+1] {
					// Words are not parts of numbers: a group may hold letter
					// prefixes and suffixes (RR, LP, TBA, CN) but no longer word.
					if len(n)+t.n > maxNumber || (i != j && t.n > 4 && allLetters(text[t.a:t.b])) {
						ok = false
						break
					}
					n = appendToken(n, text[t.a:t.b])
				}
				for _, c := range n {
					if c <= '9' {
						digits = true
						break
					}
				}
				// Every format has a digit: skip windows of words alone.
				if !ok || !digits || len(n) < 5 {
					continue
				}
				// The number aliases buf until the next run; emit copies it.
				var res Result
				work := d.run(&res, "", unsafe.String(unsafe.SliceData(n), len(n)), digitBits(n), &d.hints)
				res.Candidates = d.cands[:len(work)]
				materialize(res.Candidates, work, res.Number)
				if res.Valid && likely(&res, text, toks[i].a) {
					emit(&res, text[toks[i].a:toks[j].b])
					i, found = j+1, true
					break
				}
			}
			if !found {
				i++
			}
		}
		if end <= pos {
			end = pos + 1
		}
		pos = end
	}
	return out
}

// token is a run of letters and digits inside text[a:b], n bytes once
// normalised.
type token struct{ a, b, n int }

// tokenRune reports whether r belongs in a number, and its ASCII form.
func tokenRune(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
		return byte(r), true
	case r >= 'a' && r <= 'z':
		return byte(r - 'a' + 'A'), true
	case r >= 0xFF10 && r <= 0xFF19:
		return byte(r-0xFF10) + '0', true
	case r >= 0xFF21 && r <= 0xFF3A:
		return byte(r-0xFF21) + 'A', true
	case r >= 0xFF41 && r <= 0xFF5A:
		return byte(r-0xFF41) + 'A', true
	}
	return 0, false
}

func appendToken(dst []byte, s string) []byte {
	for _, r := range s {
		if c, ok := tokenRune(r); ok {
			dst = append(dst, c)
		}
	}
	return dst
}

// nextGroup reads, from pos, the tokens joined by single spaces or dashes
// (the way numbers are printed in groups) into toks, and returns where the
// group ends. A text position that starts no token returns pos+size.
func nextGroup(text string, pos int, toks *[]token) int {
	*toks = (*toks)[:0]
	i := pos
	for i < len(text) {
		a, n := i, 0
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if _, ok := tokenRune(r); !ok {
				break
			}
			i += size
			n++
		}
		if n == 0 {
			if len(*toks) == 0 {
				_, size := utf8.DecodeRuneInString(text[i:])
				return i + size
			}
			return i
		}
		*toks = append(*toks, token{a, i, n})
		// One joiner continues the group; anything else ends it.
		if i >= len(text) {
			return i
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != ' ' && r != '-' && r != 0xA0 && r != 0x3000 {
			return i
		}
		if i+size >= len(text) {
			return i
		}
		if r2, _ := utf8.DecodeRuneInString(text[i+size:]); r2 == ' ' || r2 == '\n' {
			return i
		} else if _, ok := tokenRune(r2); !ok || urlAt(text, i+size) > i+size {
			return i
		}
		i += size
	}
	return i
}

// urlAt returns the end of a URL starting at pos, or pos if none starts
// there.
func urlAt(text string, pos int) int {
	rest := text[pos:]
	if !hasPrefixFold(rest, "http://") && !hasPrefixFold(rest, "https://") && !hasPrefixFold(rest, "www.") {
		return pos
	}
	if pos > 0 {
		if _, ok := tokenRune(rune(text[pos-1])); ok {
			return pos
		}
	}
	end := pos
	for end < len(text) {
		c := text[end]
		if c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\'' || c == ')' || c == ']' {
			break
		}
		end++
	}
	return end
}

func allLetters(s string) bool {
	for _, r := range s {
		if c, ok := tokenRune(r); !ok || c <= '9' {
			return false
		}
	}
	return true
}

// likely applies Search's bar: see the Search comment.
func likely(r *Result, text string, at int) bool {
	if len(r.Candidates) == 0 {
		return false
	}
	best := r.Candidates[0].Score
	letters := false
	for i := 0; i < len(r.Number); i++ {
		if r.Number[i] >= 'A' {
			letters = true
			break
		}
	}
	if (letters && best >= 0.5) || best >= 0.85 {
		return true
	}
	return best >= 0.2 && trackingContext(text, at)
}

// contextWords are phrases that, shortly before a number, say it is a
// tracking number: the word in several languages and carrier names.
var contextWords = []string{
	"track", "trace", "sendung", "suivi", "colis", "parcel", "package", "shipment", "shipping",
	"shipped", "awb", "waybill", "consignment", "paket", "envío", "envio", "seguimiento",
	"rastreamento", "rastreio", "spedizione", "zending", "przesył", "運単", "运单", "单号",
	"追跡", "問い合わせ番号", "송장", "등기", "fedex", "ups", "usps", "dhl", "dpd", "gls",
	"post", "hermes", "evri", "yodel", "purolator", "ontrac", "lasership", "amazon",
	"aramex", "cainiao", "yanwen", "yunexpress", "4px", "ems", "courier", "carrier",
}

// trackingContext looks at up to 120 bytes before at.
func trackingContext(text string, at int) bool {
	from := max(0, at-120)
	window := text[from:at]
	for _, w := range contextWords {
		if containsFold(window, w) {
			return true
		}
	}
	return false
}

// containsFold is an allocation-free ASCII case-insensitive Contains.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		k := 0
		for ; k < n; k++ {
			a, b := s[i+k], sub[k]
			if a >= 'A' && a <= 'Z' {
				a += 'a' - 'A'
			}
			if a != b {
				break
			}
		}
		if k == n {
			return true
		}
	}
	return false
}
