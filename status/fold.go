package status

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// maxFold bounds how much of a text is normalised and scanned. Carrier event
// texts are short; the first 512 bytes hold the status wording, and the
// bound keeps Classify's work and stack use constant for hostile input.
const maxFold = 512

// scriptCounts counts letters per writing system while folding, and keeps
// what fold learns on the way that the folded bytes no longer show.
type scriptCounts struct {
	latin, han, kana, hangul, cyrillic, arabic, letters int
	// articleLang[l] counts the dropped articles that phraseTables[l] lists
	// as stop words (see articles.go).
	articleLang [16]uint8
	// breaks has a bit set for each separator byte of the folded text that
	// stands for a clause-ending mark (". , ; : ! ?" and their CJK forms,
	// dashes): a negation does not reach across it.
	breaks [maxFold / 64]uint64
}

func (sc *scriptCounts) markBreak(p int) { sc.breaks[p>>6] |= 1 << (p & 63) }

// breakIn reports whether a clause break lies in folded bytes [from, to).
func (sc *scriptCounts) breakIn(from, to int) bool {
	for p := from; p < to; p++ {
		if sc.breaks[p>>6]&(1<<(p&63)) != 0 {
			return true
		}
	}
	return false
}

// creditArticle records a dropped article as evidence for its languages.
func (sc *scriptCounts) creditArticle(a int) {
	for m := articleLangs[a]; m != 0; m &= m - 1 {
		l := bits.TrailingZeros16(m)
		if sc.articleLang[l] < 255 {
			sc.articleLang[l]++
		}
	}
}

// endWord finishes the word buf[ws:n]: an article is credited and dropped,
// any other word gets its separating space. It returns the new length, which
// is also where the next word starts.
func (sc *scriptCounts) endWord(buf *[maxFold]byte, ws, n int) int {
	if n-ws <= maxArticleLen {
		if a := articleIndex(buf[ws:n]); a >= 0 {
			sc.creditArticle(a)
			return ws
		}
	}
	if n < maxFold {
		buf[n] = ' '
		n++
	}
	return n
}

// clauseMark reports whether a punctuation rune usually ends a clause.
func clauseMark(r rune) bool {
	switch r {
	case '.', ',', ';', ':', '!', '?', '\n', '¡', '¿', '–', '—', '。', '，', '；', '：', '！', '？':
		return true
	}
	return false
}

// fold writes a normalised copy of text into buf and returns its length:
// lower case, Latin diacritics removed (é→e, ł→l, ß→ss), every run of
// punctuation, symbols or spaces turned into one ASCII space, articles
// dropped (see articles.go), invalid UTF-8 dropped. Phrase tables are folded
// the same way, so matching is insensitive to case, accents, punctuation and
// articles without allocating.
//
// A clause-ending mark is remembered in sc.breaks unless it sits in a
// number ("12.05.", "10:30", "1,5"): the mark counts only after a letter and
// before a letter. A hyphen counts only after a space.
func fold(text string, buf *[maxFold]byte, sc *scriptCounts) int {
	n := 0
	ws := 0        // start of the current word in buf
	space := true  // suppress leading spaces
	brk := false   // a clause-ending mark since the last word
	digit := false // the last word byte written was a digit
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			isDigit := false
			switch {
			case 'a' <= c && c <= 'z':
				sc.latin++
				sc.letters++
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
				sc.latin++
				sc.letters++
			case '0' <= c && c <= '9':
				isDigit = true
			default:
				// A hyphen ends a clause only between spaces ("Delivered -
				// front door", not "picked-up").
				if !digit && (clauseMark(rune(c)) || (c == '-' && space && n > 0)) {
					brk = true
				}
				if !space {
					n = sc.endWord(buf, ws, n)
					ws = n
					space = true
				}
				continue
			}
			if n >= maxFold {
				break
			}
			if space {
				if brk && !isDigit && n > 0 {
					sc.markBreak(n - 1)
				}
				brk = false
			}
			buf[n] = c
			n++
			space = false
			digit = isDigit
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			if !space {
				n = sc.endWord(buf, ws, n)
				ws = n
				space = true
			}
			if !digit && clauseMark(r) {
				brk = true
			}
			continue
		}
		var s string // ASCII replacement of a Latin letter
		switch {
		// Fast paths for the scripts without case.
		case r >= 0x4E00 && r <= 0x9FFF:
			sc.han++
			sc.letters++
		case r >= 0xAC00 && r <= 0xD7A3:
			sc.hangul++
			sc.letters++
		case r >= 0x410 && r <= 0x44F || r == 0x401 || r == 0x451:
			switch {
			case r < 0x430 && r != 0x401:
				r += 0x20
			case r == 0x401 || r == 0x451:
				r = 'е'
			}
			sc.cyrillic++
			sc.letters++
		case r >= 0x621 && r <= 0x64A:
			sc.arabic++
			sc.letters++
		case r >= 0x64B && r <= 0x65F:
			continue // tashkeel
		case r >= 0x3041 && r <= 0x30FF && r != 0x30FB:
			sc.kana++
			sc.letters++
		default:
			r = unicode.ToLower(r)
			if r < 0x250 {
				if s = latinFold(r); s != "" {
					sc.latin++
					sc.letters++
					break
				}
			}
			switch {
			case unicode.Is(unicode.Han, r):
				sc.han++
			case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 'ー':
				sc.kana++
			case unicode.Is(unicode.Hangul, r):
				sc.hangul++
			case unicode.Is(unicode.Cyrillic, r):
				sc.cyrillic++
				if r == 'ё' {
					r = 'е'
				}
			case unicode.Is(unicode.Arabic, r):
				sc.arabic++
			case unicode.IsMark(r):
				continue // combining accents, tashkeel
			}
			if unicode.IsLetter(r) {
				sc.letters++
			}
		}
		need := len(s)
		if s == "" {
			need = utf8.RuneLen(r)
		}
		if n+need > maxFold {
			break
		}
		if space {
			if brk && n > 0 {
				sc.markBreak(n - 1)
			}
			brk = false
		}
		if s != "" {
			n += copy(buf[n:], s)
		} else {
			n += utf8.EncodeRune(buf[n:], r)
		}
		space = false
		digit = false
	}
	if !space {
		// The last word: an article is dropped, and no space follows.
		if n-ws <= maxArticleLen && articleIndex(buf[ws:n]) >= 0 {
			sc.creditArticle(articleIndex(buf[ws:n]))
			n = ws
		}
	}
	if n > 0 && buf[n-1] == ' ' {
		n--
	}
	return n
}

// latinFold maps a lower-case Latin-1/Latin Extended-A letter to ASCII.
func latinFold(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return "a"
	case 'æ':
		return "ae"
	case 'ç', 'ć', 'ĉ', 'ċ', 'č':
		return "c"
	case 'ď', 'đ':
		return "d"
	case 'è', 'é', 'ê', 'ë', 'ē', 'ĕ', 'ė', 'ę', 'ě':
		return "e"
	case 'ĝ', 'ğ', 'ġ', 'ģ':
		return "g"
	case 'ì', 'í', 'î', 'ï', 'ĩ', 'ī', 'ĭ', 'į', 'ı':
		return "i"
	case 'ł', 'ľ', 'ĺ', 'ļ':
		return "l"
	case 'ñ', 'ń', 'ņ', 'ň':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ŏ', 'ő':
		return "o"
	case 'œ':
		return "oe"
	case 'ŕ', 'ř':
		return "r"
	case 'ß':
		return "ss"
	case 'ś', 'ŝ', 'ş', 'š':
		return "s"
	case 'ţ', 'ť':
		return "t"
	case 'ù', 'ú', 'û', 'ü', 'ũ', 'ū', 'ŭ', 'ů', 'ű', 'ų':
		return "u"
	case 'ý', 'ÿ':
		return "y"
	case 'ź', 'ż', 'ž':
		return "z"
	}
	return ""
}

// foldString folds a phrase from a table (build time only).
func foldString(s string) string {
	var buf [maxFold]byte
	var sc scriptCounts
	n := fold(s, &buf, &sc)
	return string(buf[:n])
}
