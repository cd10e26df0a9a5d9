package status

import (
	"unicode"
	"unicode/utf8"
)

// maxFold bounds how much of a text is normalised and scanned. Carrier event
// texts are short; the first 512 bytes hold the status wording, and the
// bound keeps Classify's work and stack use constant for hostile input.
const maxFold = 512

// scriptCounts counts letters per writing system while folding.
type scriptCounts struct {
	latin, han, kana, hangul, cyrillic, arabic, letters int
}

// fold writes a normalised copy of text into buf and returns its length:
// lower case, Latin diacritics removed (é→e, ł→l, ß→ss), every run of
// punctuation, symbols or spaces turned into one ASCII space, invalid UTF-8
// dropped. Phrase tables are folded the same way, so matching is insensitive
// to case, accents and punctuation without allocating.
func fold(text string, buf *[maxFold]byte, sc *scriptCounts) int {
	n := 0
	space := true // suppress leading spaces
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
				sc.latin++
				sc.letters++
			case 'a' <= c && c <= 'z':
				sc.latin++
				sc.letters++
			case '0' <= c && c <= '9':
			default:
				if !space && n < maxFold {
					buf[n] = ' '
					n++
					space = true
				}
				continue
			}
			if n >= maxFold {
				break
			}
			buf[n] = c
			n++
			space = false
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			if !space && n < maxFold {
				buf[n] = ' '
				n++
				space = true
			}
			continue
		}
		// Fast paths for the scripts without case.
		switch {
		case r >= 0x4E00 && r <= 0x9FFF:
			sc.han++
			sc.letters++
			if n+3 > maxFold {
				i = len(text)
				continue
			}
			n += utf8.EncodeRune(buf[n:], r)
			space = false
			continue
		case r >= 0xAC00 && r <= 0xD7A3:
			sc.hangul++
			sc.letters++
			if n+3 > maxFold {
				i = len(text)
				continue
			}
			n += utf8.EncodeRune(buf[n:], r)
			space = false
			continue
		case r >= 0x410 && r <= 0x44F || r == 0x401 || r == 0x451:
			switch {
			case r < 0x430 && r != 0x401:
				r += 0x20
			case r == 0x401 || r == 0x451:
				r = 'е'
			}
			sc.cyrillic++
			sc.letters++
			if n+2 > maxFold {
				i = len(text)
				continue
			}
			n += utf8.EncodeRune(buf[n:], r)
			space = false
			continue
		case r >= 0x621 && r <= 0x64A:
			sc.arabic++
			sc.letters++
			if n+2 > maxFold {
				i = len(text)
				continue
			}
			n += utf8.EncodeRune(buf[n:], r)
			space = false
			continue
		case r >= 0x64B && r <= 0x65F:
			continue // tashkeel
		case r >= 0x3041 && r <= 0x30FF && r != 0x30FB:
			sc.kana++
			sc.letters++
			if n+3 > maxFold {
				i = len(text)
				continue
			}
			n += utf8.EncodeRune(buf[n:], r)
			space = false
			continue
		}
		r = unicode.ToLower(r)
		if r < 0x250 {
			if s := latinFold(r); s != "" {
				sc.latin++
				sc.letters++
				if n+len(s) > maxFold {
					break
				}
				n += copy(buf[n:], s)
				space = false
				continue
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
		if n+utf8.RuneLen(r) > maxFold {
			break
		}
		n += utf8.EncodeRune(buf[n:], r)
		space = false
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
