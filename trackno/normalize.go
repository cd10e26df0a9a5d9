package trackno

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxInput is the longest input Detect reads, in bytes. Longer inputs are
// answered with ErrTooLong without being scanned.
const MaxInput = 4096

// errURL is an internal marker: the input is a URL to look inside.
const errURL = "\x00url"

// Normalize reads a tracking number from what a person pasted: it drops
// spaces, dashes, dots and other separators, upper-cases, maps full-width
// characters to ASCII, strips surrounding punctuation and a leading label
// ending in ':' or '#', and looks inside carrier tracking URLs. It returns
// the number, or "" and the reason (one of the Err* constants).
func Normalize(input string) (string, string) {
	var buf [maxNumber]byte
	out, a, b, same, err := normalize(buf[:0], input)
	switch {
	case err == errURL:
		for _, v := range urlValues(input) {
			if n, e := Normalize(v); e == "" {
				return n, ""
			}
		}
		return "", ErrNoNumberInURL
	case err != "":
		return "", err
	case same:
		return input[a:b], ""
	}
	return string(out), ""
}

func isNorm(c byte) bool { return c-'0' < 10 || c-'A' < 26 }

// normalize writes the number read from s into dst. When s, trimmed of
// ASCII spaces, is already a normalised number, it returns same=true and
// the bounds a, b of that number inside s, copying nothing.
func normalize(dst []byte, s string) (out []byte, a, b int, same bool, err string) {
	if len(s) > MaxInput {
		return dst, 0, 0, false, ErrTooLong
	}
	a, b = 0, len(s)
	for a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n') {
		a++
	}
	for b > a && (s[b-1] == ' ' || s[b-1] == '\t' || s[b-1] == '\r' || s[b-1] == '\n') {
		b--
	}
	if a == b {
		return dst, 0, 0, false, ErrEmpty
	}
	plain := b-a <= maxNumber
	for i := a; plain && i < b; i++ {
		plain = isNorm(s[i])
	}
	if plain {
		return dst, a, b, true, ""
	}
	t := s[a:b]
	if looksLikeURL(t) {
		return dst, 0, 0, false, errURL
	}
	t = trimEdges(t)
	if t == "" {
		return dst, 0, 0, false, ErrCharacters
	}
	for i := 0; i < len(t); {
		c := t[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c-'0' < 10 || c-'A' < 26:
				dst = append(dst, c)
			case c-'a' < 26:
				dst = append(dst, c-'a'+'A')
			case isSeparatorASCII(c):
			case c == ':' || c == '#':
				// A label such as "Tracking number:" or "Order #" ends here.
				dst = dst[:0]
			default:
				return dst, 0, 0, false, ErrCharacters
			}
		} else {
			r, size := utf8.DecodeRuneInString(t[i:])
			i += size
			switch {
			case r == utf8.RuneError && size == 1:
				return dst, 0, 0, false, ErrCharacters
			case r >= 0xFF10 && r <= 0xFF19: // full-width digits
				dst = append(dst, byte(r-0xFF10)+'0')
			case r >= 0xFF21 && r <= 0xFF3A: // full-width capitals
				dst = append(dst, byte(r-0xFF21)+'A')
			case r >= 0xFF41 && r <= 0xFF5A: // full-width small letters
				dst = append(dst, byte(r-0xFF41)+'A')
			case r == 0xFF1A || r == 0xFF03: // full-width ':' and '#'
				dst = dst[:0]
			case isSeparatorRune(r):
			default:
				return dst, 0, 0, false, ErrCharacters
			}
		}
		if len(dst) > maxNumber {
			return dst, 0, 0, false, ErrTooLong
		}
	}
	if len(dst) == 0 {
		return dst, 0, 0, false, ErrCharacters
	}
	return dst, 0, 0, false, ""
}

func isSeparatorASCII(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '-', '.', '_', '/', ',', '\\', '|', '\'':
		return true
	}
	return false
}

func isSeparatorRune(r rune) bool {
	switch {
	case r == 0x00A0, r == 0x00B7, r == 0x2212, r == 0x3000, r == 0x30FB, r == 0x30FC,
		r >= 0x2000 && r <= 0x200B, r >= 0x2010 && r <= 0x2015,
		r == 0xFF0C, r == 0xFF0D, r == 0xFF0E, r == 0xFF0F, r == 0xFF3F, r == 0xFE63:
		return true
	}
	return false
}

// isEdge reports runes that may surround a number: quotes, brackets,
// punctuation and separators.
func isEdge(r rune) bool {
	if r < utf8.RuneSelf {
		return strings.IndexByte("\"'`()[]{}<>#:;!?*=+~.,-_/\\| \t\r\n", byte(r)) >= 0
	}
	switch r {
	case '«', '»', '“', '”', '‘', '’', '„', '「', '」', '『', '』', '【', '】',
		'（', '）', '：', '＃', '。', '、', '！', '？', '；':
		return true
	}
	return isSeparatorRune(r)
}

func trimEdges(t string) string {
	for t != "" {
		r, size := utf8.DecodeRuneInString(t)
		if r == utf8.RuneError || !isEdge(r) {
			break
		}
		t = t[size:]
	}
	for t != "" {
		r, size := utf8.DecodeLastRuneInString(t)
		if r == utf8.RuneError || !isEdge(r) {
			break
		}
		t = t[:len(t)-size]
	}
	return t
}

func looksLikeURL(t string) bool {
	if len(t) < 8 {
		return false
	}
	return strings.Contains(t, "://") || hasPrefixFold(t, "www.")
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// urlKeys are query keys carriers and trackers put numbers in, compared
// lower-case with '-' and '_' removed, best first.
var urlKeys = []string{
	"tracknum", "tracknums", "tracknumber", "tracknumbers", "trackingnumber", "trackingnumbers",
	"trknbr", "tlabels", "tref", "trackingid", "trackid", "trackingno", "tracking", "track",
	"nums", "num", "number", "numbers", "numero", "mailno", "mailnolist", "mailnum",
	"piececode", "idc", "awb", "awbnumber", "shipmentnumber", "shipmentid", "parcelnumber",
	"barcode", "itemcode", "item", "objeto", "objects", "snr", "match", "search", "searchfor",
	"searchvalue", "searchid", "reqcodeno1", "postcode", "pins", "reference", "consignment",
	"code", "id", "ids", "q", "query", "s", "tn", "no",
}

// urlValues lists the strings in a tracking URL that may hold a number:
// values of known query keys (in urlKeys order), the fragment (which some
// trackers use as a query, e.g. "#nums=..."), other query values, then path
// segments from the last. Values listing several numbers are split.
func urlValues(raw string) []string {
	if hasPrefixFold(raw, "www.") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	add := func(v string) {
		out = append(out, strings.FieldsFunc(v, func(r rune) bool {
			return r == ',' || r == ';' || r == '|' || r == ' ' || r == '\n'
		})...)
	}
	qs := []url.Values{u.Query()}
	frag := u.Fragment
	if i := strings.IndexByte(frag, '?'); i >= 0 {
		frag = frag[i+1:]
	}
	if strings.Contains(frag, "=") {
		if fv, err := url.ParseQuery(frag); err == nil {
			qs = append(qs, fv)
		}
	}
	norm := func(k string) string {
		return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(k))
	}
	used := map[string]bool{}
	for _, key := range urlKeys {
		for _, q := range qs {
			for k, vs := range q {
				if norm(k) == key {
					used[k] = true
					for _, v := range vs {
						add(v)
					}
				}
			}
		}
	}
	for _, q := range qs {
		for k, vs := range q {
			if !used[k] {
				for _, v := range vs {
					add(v)
				}
			}
		}
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if !strings.Contains(u.Fragment, "=") && u.Fragment != "" {
		segs = append(segs, strings.Split(strings.Trim(u.Fragment, "/"), "/")...)
	}
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i] != "" {
			add(segs[i])
		}
	}
	return out
}
