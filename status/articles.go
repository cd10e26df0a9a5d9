package status

// Articles carry no status, but they sit between the words of a phrase:
// "picked up by the recipient" must match "picked up by recipient". fold
// therefore drops them from texts and phrase tables alike. They are still
// good evidence of a language ("the", "der", "les"), so fold credits every
// language whose stop-word list holds the dropped word before dropping it.
//
// Only words that never carry status meaning are listed. Prepositions that
// look like articles stay where they decide a phrase (German "an" in "an
// den Absender"), and the French "n'" of a negation is not an article.
// Spanish, Portuguese and Italian "a" and French "à" (folded to "a") are
// dropped from the phrase tables too, so "retour à l'expéditeur" matches
// "retour expéditeur" and no phrase is told from another by an "a" alone.
//
// Source: the definite and indefinite articles of each language's grammar.
var articles = [...]string{
	"the", "a", "an", // English
	"der", "die", "das", "dem", "den", "des", "ein", "eine", "einen", "einem", "einer", // German
	"le", "la", "les", "l", "un", "une", // French (l' elided); "des" above
	"de", "het", "een", // Dutch; "de" is also the Romance "of", dropped the same way everywhere
	"il", "lo", "gli", "uno", "una", // Italian; "la", "le", "l'", "un" above
	"el", "los", "las", // Spanish
	"o", "os", "as", "um", "uma", // Portuguese
}

const numArticles = len(articles)

// maxArticleLen is the longest article in bytes; longer words are never
// looked up.
const maxArticleLen = 5

// articleSlots is an open-addressed hash of articles keyed by wordKey, so
// that the per-word check in fold is a multiply, a shift and usually one
// comparison.
var articleSlots = func() (t [64]struct {
	key uint64
	idx int8
}) {
	for i, a := range articles {
		if len(a) > maxArticleLen {
			panic("status: article longer than maxArticleLen: " + a)
		}
		k := wordKey([]byte(a))
		for h := slotOf(k); ; h = (h + 1) & 63 {
			if t[h].key == 0 {
				t[h].key, t[h].idx = k, int8(i)
				break
			}
			if t[h].key == k {
				panic("status: duplicate article " + a)
			}
		}
	}
	return t
}()

// wordKey packs a word of at most maxArticleLen bytes and its length into
// one integer (never 0 for a non-empty word).
func wordKey(w []byte) uint64 {
	k := uint64(len(w)) << 56
	for i, c := range w {
		k |= uint64(c) << (8 * i)
	}
	return k
}

func slotOf(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> 58) }

// articleIndex returns the index in articles of the folded word w, or -1.
func articleIndex(w []byte) int {
	if len(w) == 0 || len(w) > maxArticleLen {
		return -1
	}
	k := wordKey(w)
	for h := slotOf(k); ; h = (h + 1) & 63 {
		switch articleSlots[h].key {
		case k:
			return int(articleSlots[h].idx)
		case 0:
			return -1
		}
	}
}

// articleLangs[i] has bit l set when phraseTables[l] lists articles[i] as a
// stop word: the languages a dropped article is evidence for.
var articleLangs = func() (t [numArticles]uint16) {
	for li, tb := range phraseTables {
		for _, w := range tb.stop {
			if i := articleIndex([]byte(w)); i >= 0 {
				t[i] |= 1 << li
			}
		}
	}
	return t
}()
