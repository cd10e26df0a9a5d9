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
// Negations and future or progressive wording change what a phrase says
// ("not delivered", "n'avons pas pu livrer", "will be delivered today",
// "wird zugestellt"): see markers.go. Articles are ignored ("picked up by
// the recipient" matches "picked up by recipient"): see articles.go.
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

	// The scan found only occurrences on word boundaries (see compile).
	// Markers go to their own list.
	valid := 0
	var langScore [16]int
	var marks [maxMarks]mark
	nm := 0
	for i := 0; i < nh; i++ {
		h := hits[i]
		p := &compiled.pats[h.pat]
		if p.marker != 0 {
			start, end := span(h)
			// "No. 12": a negator followed by a number abbreviates "number".
			if p.marker == markNeg && int(end)+1 < n && isDigit(folded[end+1]) {
				continue
			}
			if nm < maxMarks {
				marks[nm] = mark{start: start, end: end, bound: noBound, kind: p.marker, langIdx: int8(p.langIdx), spaced: p.spaced}
				nm++
			}
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
	for l, c := range sc.articleLang {
		langScore[l] += 2 * int(c)
	}

	lang := hint
	if lang == "" {
		lang = detectLanguage(&sc, &langScore)
	}

	mc := markContext{marks: marks[:nm], folded: folded, sc: &sc, detIdx: -1}
	if nm > 0 {
		mc.prepare(hits[:valid], lang)
	}

	// Score every substatus by its most specific phrase, plus a little for
	// each further phrase that agrees; remember the best modifier per status.
	var subScore [numSubstatuses]int
	var subPat [numSubstatuses]*pattern
	var subEnd, subStart [numSubstatuses]int32 // span of each substatus's best hit
	var subRuled [numSubstatuses]bool          // its best hit was read through a marker
	var touched [numSubstatuses]uint8          // substatuses that scored, in order of first hit
	nt := 0
	var mods [numStatuses]*pattern
	var modScore [numStatuses]int
	done := false
	for i := 0; i < valid; i++ {
		p := &compiled.pats[hits[i].pat]
		if p.stop {
			continue
		}
		start, end := span(hits[i])
		k, ruled := p.subIdx, false
		if nm > 0 || p.future {
			var ok bool
			if k, ruled, ok = mc.reading(p, start, end); !ok {
				continue // "no signature", "not completed"
			}
		}
		if p.done {
			done = true
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
		// A further phrase counts as agreement only where it does not overlap
		// the best one ("customs" inside "customs clearance" is no evidence).
		apart := subPat[k] != nil && (end <= subStart[k] || start >= subEnd[k])
		switch {
		case subPat[k] == nil:
			subScore[k], subPat[k], subRuled[k] = score, p, ruled
			subStart[k], subEnd[k] = start, end
			touched[nt] = uint8(k)
			nt++
		case score > subScore[k]:
			bonus := 0
			if apart {
				bonus = agreeBonus
			}
			subScore[k], subPat[k], subRuled[k] = score+bonus, p, ruled
			subStart[k], subEnd[k] = start, end
		case apart:
			subScore[k] += agreeBonus
		}
	}
	// Only substatuses that scored are visited; ties go to the one listed
	// first in Substatuses.
	bestIdx, bestScore := -1, 0
	for _, k := range touched[:nt] {
		i, sc := int(k), subScore[k]
		if sc > bestScore || (sc == bestScore && i < bestIdx) {
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
	bestStatus := substatusStatus[bestIdx]
	runnerScore := 0
	for _, k := range touched[:nt] {
		if sc := subScore[k]; sc > runnerScore && substatusStatus[k] != bestStatus {
			runnerScore = sc
		}
	}
	sub := Substatuses[bestIdx]
	covered := best.runes
	switch m := mods[bestStatus]; {
	case m != nil && m.sub != sub && (sub == Generic(sub.Status()) || m.weight > best.weight):
		// "delivery attempted" + "not home", "delivered" + "neighbour".
		sub = m.sub
		covered += m.runes
	case bestStatus == attemptFailIdx:
		// "Not delivered: refused / addressee moved / storage expired": the
		// reason names an exception, which is what happened to the parcel.
		ri, rs := -1, 0
		for _, k := range touched[:nt] {
			i, sc := int(k), subScore[k]
			if (sc > rs || (sc == rs && i < ri)) && exceptionReason(Substatuses[i]) {
				ri, rs = i, sc
			}
		}
		if ri >= 0 && rs*3 >= bestScore {
			sub = Substatuses[ri]
			covered += subPat[ri].runes
		}
	}
	if done {
		sub = refineDone(sub)
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
	if subRuled[bestIdx] {
		conf *= 0.9 // read through a negation or future marker
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
	done      bool // completion marker, see refineDone
	future    bool // states a delivery still to come, see markers.go
	stop      bool
	marker    uint8 // markNeg, markFut, ... (markers.go); 0 for phrases
	spaced    bool  // the script separates words with spaces
	wordStart bool  // matches only at the start of a word
	flen      int32 // folded length in bytes
	trail     int32 // 1 when the matcher sees a space after the pattern
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
		p.flen = int32(len(f))
		// Scripts written with spaces need a word start; Han, kana, Hangul
		// and Arabic attach particles and prefixes, so they match anywhere.
		// Stop words and markers are whole words wherever words are spaced
		// (Arabic included: "لم" must not match inside another word).
		// The matcher sees the boundaries as spaces (see buildMatcher).
		latinOrCyrillic := r < 0x250 || (r >= 0x400 && r < 0x530)
		p.spaced = latinOrCyrillic || (r >= 0x600 && r < 0x700)
		p.wordStart = latinOrCyrillic || (p.marker != 0 && p.spaced)
		if p.wordStart {
			f = " " + f
		}
		if (p.stop || p.marker != 0) && p.spaced {
			f += " "
			p.trail = 1
		}
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
				lang: t.lang, langIdx: li, weight: ph.bonus, modifier: ph.mod, done: ph.done, future: ph.future})
		}
	}
	for _, mt := range markerTables {
		li := langIndex(mt.lang)
		if phraseTables[li].lang != mt.lang {
			panic("status: marker table for a language without phrases: " + mt.lang)
		}
		for _, set := range []struct {
			words []string
			kind  uint8
		}{{mt.neg, markNeg}, {mt.fut, markFut}, {mt.futAfter, markFutAfter}, {mt.prog, markProg}, {mt.yet, markYet},
			{mt.today, markToday}} {
			for _, w := range set.words {
				add(w, pattern{lang: mt.lang, langIdx: li, marker: set.kind})
			}
		}
	}
	// Stop words come last: the matcher caps patterns from firstWeak on.
	firstWeak := len(pats)
	for li, t := range phraseTables {
		for _, w := range t.stop {
			if foldString(w) == "" {
				continue // an article: fold counts it (see articles.go)
			}
			add(w, pattern{lang: t.lang, langIdx: li, stop: true})
		}
	}
	return &compiledTables{m: buildMatcher(texts, firstWeak), pats: pats}
}

// span returns where a hit's pattern lies in the folded text, without the
// boundary spaces the matcher sees.
func span(h hit) (start, end int32) {
	p := &compiled.pats[h.pat]
	end = h.end - p.trail
	return end - p.flen, end
}

// phrase is one entry of a language's phrase table.
type phrase struct {
	text string
	sub  Substatus
	mod  bool // only refines the substatus of a matching main status
	done bool // marks a process as finished ("completed", "abgeschlossen", "完了")
	// future: the phrase announces its substatus instead of reporting it
	// ("delivery expected", French "livrer"); read as a future marker would.
	future bool
	bonus  int // added to the length-based specificity
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

// f is a phrase that announces a delivery: "delivery expected", "livraison
// prévue", the French infinitive "livrer" (which "livré" would otherwise
// match). It reads as out for delivery when the text says today, else as in
// transit, and as a failed attempt when negated.
func f(text string) phrase { return phrase{text: text, sub: DeliveredDelivered, future: true} }

// d is a completion marker: it names no status of its own but turns a
// process that is under way into its finished state (see refineDone). Its
// substatus only satisfies the table check and is never scored.
func d(text string) phrase { return phrase{text: text, sub: InTransitCustomsCleared, done: true} }

// Sizes of Statuses and Substatuses, as constants for fixed-size arrays
// (checked at start-up).
const (
	numStatuses    = 9
	numSubstatuses = 43
)

// agreeBonus rewards each further phrase pointing at the same substatus.
const agreeBonus = 15

// refineDone turns a process under way into its finished state when the
// text says it is complete: "customs clearance ... completed" is cleared
// customs, a return "completed" has reached the sender.
func refineDone(s Substatus) Substatus {
	switch s {
	case InTransitCustomsProcessing:
		return InTransitCustomsCleared
	case ExceptionReturning:
		return ExceptionReturned
	}
	return s
}

var attemptFailIdx = statusIndex(AttemptFail)

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
