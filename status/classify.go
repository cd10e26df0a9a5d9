package status

import "unicode/utf8"

// Result is the classification of one carrier event text.
type Result struct {
	Text       string    `json:"text"`
	Language   string    `json:"language"`
	Status     Status    `json:"status"`
	Substatus  Substatus `json:"substatus"`
	Confidence float64   `json:"confidence"`
}

// Unknown is the language reported when a text gives no evidence of one.
const Unknown = "und"

// ClassifierLanguages lists the languages that have phrase tables.
func ClassifierLanguages() []string {
	out := make([]string, 0, len(phraseTables))
	for _, t := range phraseTables {
		out = append(out, t.lang)
	}
	return out
}

// Classify detects the language of a carrier event text and maps it to a
// status and substatus.
//
// The most specific phrase wins: every phrase that occurs scores its length,
// so "could not be delivered" beats "delivered" and "customs clearance
// completed" beats "customs clearance". Modifier phrases ("neighbour", "not
// home", "locker") only sharpen the substatus of the winning main status.
//
// A text in which no phrase occurs (including an empty or invalid one) yields
// status pending, substatus pending.pending and confidence 0: the text says
// nothing we recognise, so callers should keep the parcel's previous status
// rather than act on this result.
func Classify(text string) Result { return classify(text, "") }

// ClassifyLang is Classify for a text whose language is already known (a
// code such as "de" or "pt-BR"); phrases of that language are preferred. An
// unsupported or empty lang behaves like Classify.
func ClassifyLang(text, lang string) Result {
	return classify(text, baseLang(lang))
}

func baseLang(lang string) string {
	if len(lang) >= 2 {
		b := [2]byte{lower(lang[0]), lower(lang[1])}
		if len(lang) == 2 || lang[2] == '-' || lang[2] == '_' {
			for i, t := range phraseTables {
				if t.lang[0] == b[0] && t.lang[1] == b[1] {
					return phraseTables[i].lang
				}
			}
		}
	}
	return ""
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func classify(text, hint string) Result {
	var buf [maxFold]byte
	var sc scriptCounts
	n := fold(text, &buf, &sc)
	folded := buf[:n]

	var hits [maxHits]hit
	nh := compiled.m.scan(folded, &hits)

	// Keep only occurrences that start (and, for stop words, end) on a word
	// boundary where the pattern's script uses spaces between words.
	valid := 0
	var langScore [16]int
	for i := 0; i < nh; i++ {
		h := hits[i]
		p := &compiled.pats[h.pat]
		start := int(h.end) - int(compiled.m.patLen[h.pat])
		if p.wordStart && start > 0 && folded[start-1] != ' ' {
			continue
		}
		if p.wordEnd && int(h.end) < n && folded[h.end] != ' ' {
			continue
		}
		hits[valid] = h
		valid++
		if p.stop {
			langScore[p.langIdx] += 2
		} else {
			langScore[p.langIdx] += p.weight
		}
	}

	lang := hint
	if lang == "" {
		lang = detectLanguage(&sc, &langScore)
	}

	// Score every substatus by its most specific phrase, plus a little for
	// each further phrase that agrees; remember the best modifier per status.
	var subScore [numSubstatuses]int
	var subPat [numSubstatuses]*pattern
	var subEnd, subStart [numSubstatuses]int32 // span of each substatus's best hit
	var mods [numStatuses]*pattern
	var modScore [numStatuses]int
	for i := 0; i < valid; i++ {
		p := &compiled.pats[hits[i].pat]
		if p.stop {
			continue
		}
		score := p.weight * 10
		if p.lang != lang {
			score = score * 7 / 10
		}
		if p.modifier {
			if score > modScore[p.statusIdx] {
				mods[p.statusIdx], modScore[p.statusIdx] = p, score
			}
			continue
		}
		end := hits[i].end
		start := end - compiled.m.patLen[hits[i].pat]
		k := p.subIdx
		// A further phrase counts as agreement only where it does not overlap
		// the best one ("customs" inside "customs clearance" is no evidence).
		apart := subPat[k] != nil && (end <= subStart[k] || start >= subEnd[k])
		switch {
		case subPat[k] == nil:
			subScore[k], subPat[k] = score, p
			subStart[k], subEnd[k] = start, end
		case score > subScore[k]:
			bonus := 0
			if apart {
				bonus = agreeBonus
			}
			subScore[k], subPat[k] = score+bonus, p
			subStart[k], subEnd[k] = start, end
		case apart:
			subScore[k] += agreeBonus
		}
	}
	bestIdx, bestScore := -1, 0
	for i, sc := range subScore {
		if sc > bestScore {
			bestIdx, bestScore = i, sc
		}
	}

	res := Result{Text: text, Language: lang, Status: Pending, Substatus: PendingPending}
	if res.Language == "" {
		res.Language = Unknown
	}
	if bestIdx < 0 {
		return res
	}
	best := subPat[bestIdx]
	runnerScore := 0
	for i, sc := range subScore {
		if sc > runnerScore && substatusStatus[i] != best.statusIdx {
			runnerScore = sc
		}
	}
	sub := best.sub
	covered := best.runes
	switch m := mods[best.statusIdx]; {
	case m != nil && m.sub != sub && (sub == Generic(sub.Status()) || m.weight > best.weight):
		// "delivery attempted" + "not home", "delivered" + "neighbour".
		sub = m.sub
		covered += m.runes
	case sub == AttemptFailOther:
		// "Not delivered: refused / addressee moved / storage expired": the
		// reason names an exception, which is what happened to the parcel.
		ri, rs := -1, 0
		for i, sc := range subScore {
			if sc > rs && exceptionReason(Substatuses[i]) {
				ri, rs = i, sc
			}
		}
		if ri >= 0 && rs*3 >= bestScore {
			sub = Substatuses[ri]
			covered += subPat[ri].runes
		}
	}
	res.Status, res.Substatus = sub.Status(), sub

	letters := sc.letters
	if letters < 1 {
		letters = 1
	}
	coverage := float64(covered) / float64(letters)
	if coverage > 0.5 {
		coverage = 0.5
	}
	conf := 0.55 + 0.8*coverage // 0.55 .. 0.95
	if runnerScore*10 >= bestScore*8 {
		conf *= 0.75 // a competing status is almost as specific
	}
	if best.lang != lang {
		conf *= 0.85
	}
	res.Confidence = float64(int(conf*1000+0.5)) / 1000
	return res
}

func statusIndex(s Status) int {
	for i, v := range Statuses {
		if v == s {
			return i
		}
	}
	return 0
}

// detectLanguage decides by script first: kana means Japanese, Hangul
// Korean, Cyrillic Russian, Arabic Arabic. Han-only text is Chinese unless
// Japanese phrases explain it better. Latin text is scored by the stop words
// and phrases of each language that occur in it.
func detectLanguage(sc *scriptCounts, score *[16]int) string {
	switch {
	case sc.kana > 0:
		return "ja"
	case sc.hangul > 0 && sc.hangul >= sc.han:
		return "ko"
	case sc.han > 0:
		if score[jaIndex] > score[zhIndex] {
			return "ja"
		}
		return "zh"
	case sc.cyrillic > sc.latin:
		return "ru"
	case sc.arabic > sc.latin:
		return "ar"
	case sc.latin == 0:
		return ""
	}
	bestLang, bestScore := "", 0
	for i, t := range phraseTables {
		if !t.latin {
			continue
		}
		if score[i] > bestScore {
			bestLang, bestScore = t.lang, score[i]
		}
	}
	return bestLang
}

var jaIndex, zhIndex = langIndex("ja"), langIndex("zh")

func langIndex(lang string) int {
	for i, t := range phraseTables {
		if t.lang == lang {
			return i
		}
	}
	return 0
}

// pattern is one compiled phrase or stop word.
type pattern struct {
	sub       Substatus
	subIdx    int
	statusIdx int
	lang      string
	langIdx   int
	weight    int // specificity: folded length in runes, plus any bonus
	runes     int
	modifier  bool
	stop      bool
	wordStart bool
	wordEnd   bool
}

type compiledTables struct {
	m    *matcher
	pats []pattern
}

var compiled = compile()

func compile() *compiledTables {
	var texts []string
	var pats []pattern
	add := func(text string, p pattern) {
		f := foldString(text)
		if f == "" {
			panic("status: empty phrase " + text)
		}
		r, _ := utf8.DecodeRuneInString(f)
		p.runes = utf8.RuneCountInString(f)
		p.weight += p.runes
		// Scripts written with spaces need a word start; Han, kana, Hangul
		// and Arabic attach particles and prefixes, so they match anywhere.
		spaced := r < 0x250 || (r >= 0x400 && r < 0x530)
		p.wordStart = spaced
		p.wordEnd = p.stop && spaced
		texts = append(texts, f)
		pats = append(pats, p)
	}
	if len(Statuses) != numStatuses || len(Substatuses) != numSubstatuses {
		panic("status: numStatuses/numSubstatuses out of date")
	}
	if len(phraseTables) > 16 {
		panic("status: too many languages")
	}
	for li, t := range phraseTables {
		for _, ph := range t.phrases {
			if !ph.sub.Valid() {
				panic("status: invalid substatus in phrase table: " + string(ph.sub))
			}
			add(ph.text, pattern{sub: ph.sub, subIdx: substatusIndex(ph.sub), statusIdx: statusIndex(ph.sub.Status()),
				lang: t.lang, langIdx: li, weight: ph.bonus, modifier: ph.mod})
		}
		for _, w := range t.stop {
			add(w, pattern{lang: t.lang, langIdx: li, stop: true})
		}
	}
	weak := make([]bool, len(pats))
	for i := range pats {
		weak[i] = pats[i].stop
	}
	return &compiledTables{m: buildMatcher(texts, weak), pats: pats}
}

// phrase is one entry of a language's phrase table.
type phrase struct {
	text  string
	sub   Substatus
	mod   bool // only refines the substatus of a matching main status
	bonus int  // added to the length-based specificity
}

type phraseTable struct {
	lang    string
	latin   bool
	phrases []phrase
	stop    []string
}

// p is a primary phrase, m a modifier, pb a primary phrase with a bonus.
func p(text string, sub Substatus) phrase         { return phrase{text: text, sub: sub} }
func m(text string, sub Substatus) phrase         { return phrase{text: text, sub: sub, mod: true} }
func pb(text string, sub Substatus, b int) phrase { return phrase{text: text, sub: sub, bonus: b} }

// Sizes of Statuses and Substatuses, as constants for fixed-size arrays
// (checked at start-up).
const (
	numStatuses    = 9
	numSubstatuses = 43
)

// agreeBonus rewards each further phrase pointing at the same substatus.
const agreeBonus = 15

// exceptionReason reports whether s is an exception with a concrete cause
// that outranks a generic failed attempt.
func exceptionReason(s Substatus) bool {
	switch s {
	case ExceptionRefused, ExceptionAddressIssue, ExceptionUnclaimed, ExceptionDocumentsRequired,
		ExceptionReturning, ExceptionReturned, ExceptionDamaged, ExceptionLost, ExceptionDisposed,
		ExceptionCustomsHeld, ExceptionDutiesDue, ExceptionCancelled:
		return true
	}
	return false
}

// substatusStatus[i] is the index in Statuses of Substatuses[i]'s status.
var substatusStatus = func() (t [numSubstatuses]int) {
	for i, s := range Substatuses {
		t[i] = statusIndex(s.Status())
	}
	return t
}()

func substatusIndex(s Substatus) int {
	for i, v := range Substatuses {
		if v == s {
			return i
		}
	}
	return -1
}
