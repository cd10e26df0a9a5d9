package status

// Markers are words that say nothing about a parcel by themselves but change
// what a nearby phrase means: a negator ("not", "nicht", "pas", "未") turns
// "delivered" into a failed delivery, a future or modal marker ("will",
// "wird", "sera", "将") turns it into a delivery still to come. Without them
// a phrase table reads "could not be delivered today" and "will be
// delivered today" as done.
//
// The rule (see reading): a negator or future marker of the phrase's
// language (or of the detected one) governs a phrase that starts at most a
// few words after it, with no clause break (". , ; ! ?") in between. A
// negation with "yet" ("not yet delivered", "noch nicht zugestellt") says
// the delivery is still to come, and reads like a future marker. A
// future marker may also follow right after the phrase where the grammar
// puts it there ("zugestellt werden", "配達完了予定"). A marker reaches only
// the first phrase of its language after it, or the phrase it is part of:
// in "not home delivered to neighbour" or "sin novedad entregado" the
// negation is used up before the delivery (modifiers use nothing up:
// "nicht beim Nachbarn zugestellt" is still no delivery). Only substatuses
// that record something as done are changed (see negatedTo and futureTo).
//
// Sources: the negation and future/modal grammar of each language.

// markerTable lists one language's markers, folded like phrases.
type markerTable struct {
	lang string
	neg  []string // negators before the phrase
	fut  []string // future and modal markers before the phrase
	// futAfter are future markers right after the phrase.
	futAfter []string
	// prog are progressive markers ("is being delivered"): under way now.
	prog []string
	// yet turns a negation into "not yet": before the phrase, or right
	// after it ("has not been delivered yet").
	yet []string
	// today marks the day itself: a delivery still to come today is out
	// for delivery.
	today []string
}

var markerTables = []markerTable{
	{lang: "en",
		neg: []string{"not", "never", "no", "cannot", "can t", "won t", "wasn t", "isn t", "hasn t", "haven t", "couldn t",
			"didn t", "wouldn t", "aren t", "weren t", "unable", "failed", "without"},
		// "be" covers "to be / will be / expected to be delivered"; adjectives
		// such as "scheduled" qualify a noun ("scheduled delivery completed").
		fut:   []string{"will", "be", "soon", "going"},
		prog:  []string{"being"},
		yet:   []string{"yet"},
		today: []string{"today", "this morning", "this afternoon", "this evening"}},
	{lang: "de",
		neg:      []string{"nicht", "kein", "keine", "keinen", "nie", "niemals", "ohne"},
		fut:      []string{"wird", "werden", "soll", "sollte", "voraussichtlich", "geplant", "erwartet", "bald", "demnachst"},
		futAfter: []string{"werden", "wird"},
		prog:     []string{"gerade"},
		yet:      []string{"noch"},
		today:    []string{"heute"}},
	{lang: "fr",
		neg: []string{"ne", "pas", "non", "jamais", "sans", "impossible", "aucun", "aucune"},
		fut: []string{"sera", "seront", "va", "vont", "allons", "etre", "prevu", "prevue", "devrait", "doit", "pourra",
			"bientot", "estime", "estimee"},
		prog:  []string{"en cours", "en train"},
		yet:   []string{"encore"},
		today: []string{"aujourd hui", "ce jour"}},
	{lang: "es",
		neg: []string{"no", "nunca", "sin", "imposible"},
		fut: []string{"sera", "seran", "va", "van", "vamos", "ser", "previsto", "prevista", "estimado", "estimada",
			"programado", "programada", "podra", "debera", "pronto", "proximamente"},
		prog:  []string{"siendo"},
		yet:   []string{"todavia", "aun"},
		today: []string{"hoy"}},
	{lang: "pt",
		neg: []string{"nao", "nunca", "sem", "impossivel"},
		fut: []string{"sera", "serao", "vai", "vao", "ser", "previsto", "prevista", "previsao", "estimada", "programada",
			"devera", "podera", "breve"},
		prog:  []string{"sendo"},
		yet:   []string{"ainda"},
		today: []string{"hoje"}},
	{lang: "it",
		neg: []string{"non", "mai", "senza", "impossibile"},
		fut: []string{"sara", "saranno", "verra", "verranno", "essere", "prevista", "previsto", "stimata", "programmata",
			"potra", "dovrebbe", "presto"},
		yet:   []string{"ancora"},
		today: []string{"oggi"}},
	{lang: "nl",
		neg:      []string{"niet", "geen", "nooit", "zonder"},
		fut:      []string{"wordt", "worden", "zal", "zullen", "verwacht", "verwachte", "gepland", "geplande", "binnenkort"},
		futAfter: []string{"worden", "wordt"},
		yet:      []string{"nog"},
		today:    []string{"vandaag"}},
	{lang: "pl",
		neg: []string{"nie", "bez"},
		fut: []string{"zostanie", "zostana", "bedzie", "beda", "planowane", "planowana", "planowany", "przewidywana",
			"przewidywany", "wkrotce"},
		futAfter: []string{"planowane", "planowana", "zaplanowane"},
		yet:      []string{"jeszcze"},
		today:    []string{"dzisiaj", "dzis"}},
	{lang: "tr", today: []string{"bugun"}},
	{lang: "ru",
		neg:   []string{"не", "нет", "без"},
		fut:   []string{"будет", "будут", "планируется", "ожидается", "ожидаемая", "планируемая"},
		yet:   []string{"еще", "пока"},
		today: []string{"сегодня"}},
	{lang: "zh",
		neg:   []string{"未", "没有", "没", "不", "无法", "未能", "尚未"},
		fut:   []string{"将", "预计", "即将", "预期"},
		yet:   []string{"尚", "还"},
		today: []string{"今天", "今日"}},
	{lang: "ja", futAfter: []string{"予定"}, today: []string{"本日", "今日"}},
	{lang: "ko", futAfter: []string{"예정"}, today: []string{"오늘"}},
	{lang: "ar",
		neg:   []string{"لم", "لا", "لن", "غير"},
		fut:   []string{"سيتم", "سوف", "سيصل"},
		today: []string{"اليوم"}},
}

// Marker kinds (pattern.marker).
const (
	markNeg = 1 + iota
	markFut
	markFutAfter
	markProg
	markYet
	markToday
)

// Windows: how many words (not counting numbers) may separate a marker
// from the phrase it governs, and how many bytes where the script writes no
// spaces (two or three CJK characters).
const (
	negWords     = 2
	futWords     = 3
	cjkGap       = 9
	maxMarks     = 16 // markers kept per text; later ones are ignored
	noBound      = 1 << 30
	futureTarget = -2 // futureTo: out for delivery today, else in transit
)

// mark is one marker occurrence in a text.
type mark struct {
	start, end int32
	// bound is the end of the first phrase of the marker's language that
	// follows it or contains it and goes on past it ("not home"); phrases
	// starting at or after bound are out of its reach.
	bound   int32
	kind    uint8
	langIdx int8
	spaced  bool
}

// negatedTo[k] is what substatus k reads as under a negation, -1 when a
// negation does not change it. A delivery that did not happen is a failed
// attempt; a collection by the recipient that did not happen leaves the
// parcel unclaimed; clearance that did not happen is still in progress.
// futureTo[k] is the same for a future, modal or progressive marker; a
// return to the sender still to come or under way is returning.
var negatedTo, futureTo = func() (neg, fut [numSubstatuses]int8) {
	for i, s := range Substatuses {
		neg[i], fut[i] = -1, -1
		if s.Status() == Delivered {
			neg[i] = int8(substatusIndex(AttemptFailOther))
			fut[i] = futureTarget
		}
	}
	pu := substatusIndex(DeliveredPickedUp)
	neg[pu] = int8(substatusIndex(ExceptionUnclaimed))
	fut[pu] = int8(substatusIndex(AvailableForPickupAvailableForPickup))
	cl := substatusIndex(InTransitCustomsCleared)
	neg[cl] = int8(substatusIndex(InTransitCustomsProcessing))
	fut[cl] = neg[cl]
	// "is being / will be returned to the sender": the return is under way.
	fut[substatusIndex(ExceptionReturned)] = int8(substatusIndex(ExceptionReturning))
	return neg, fut
}()

var (
	deliveredIdx = statusIndex(Delivered)
	ofdIdx       = substatusIndex(OutForDeliveryOutForDelivery)
	transitIdx   = substatusIndex(InTransitInTransit)
)

// markContext is what reading needs to know about one text.
type markContext struct {
	marks  []mark
	folded []byte
	sc     *scriptCounts
	detIdx int // detected language's index in phraseTables, -1 if none
	today  bool
}

// reading returns the substatus index a phrase occurrence [start, end)
// stands for once the markers around it are applied, whether a marker
// changed it, and ok=false when a negation voids it (a negated modifier or
// completion marker: "no signature", "not completed").
func (c *markContext) reading(p *pattern, start, end int32) (k int, ruled, ok bool) {
	k = p.subIdx
	neg, fut, prog, yet := false, p.future, false, false
	for j := range c.marks {
		m := &c.marks[j]
		if m.kind == markToday || (int(m.langIdx) != p.langIdx && int(m.langIdx) != c.detIdx) {
			continue
		}
		// Before the phrase; where phrases match inside words (Arabic,
		// CJK), a marker word may also hold the phrase's first letters.
		before := m.start < start && (m.end <= start || !p.wordStart) && m.bound > start
		if before && m.end < start {
			limit := futWords // "todavía no ha sido entregado"
			if m.kind == markNeg {
				limit = negWords
			}
			before = c.near(m, int(m.end), int(start), limit)
		}
		after := m.start >= end && (m.kind == markFutAfter || m.kind == markYet) && c.near(m, int(end), int(m.start), 0)
		switch {
		case before && m.kind == markNeg:
			neg = true
		case before && m.kind == markFut, after && m.kind == markFutAfter:
			fut = true
		case before && m.kind == markProg:
			prog = true
		case (before || after) && m.kind == markYet:
			yet = true
		}
	}
	if p.done || (p.modifier && p.statusIdx == deliveredIdx) {
		// "no signature", "not completed". The modifiers of a failed
		// attempt name a problem and often carry their own negation
		// ("no access"), so a negator does not void them.
		return k, false, !neg
	}
	if p.modifier {
		return k, false, true
	}
	if neg && yet {
		neg, fut = false, true // not yet: still to come
	}
	switch {
	case neg && negatedTo[k] >= 0:
		return int(negatedTo[k]), true, true
	case (fut || prog) && futureTo[k] != -1:
		t := int(futureTo[k])
		if t == futureTarget {
			t = transitIdx
			if prog || c.today {
				t = ofdIdx
			}
		}
		return t, true, true
	}
	return k, false, true
}

// near reports whether the folded bytes [from, to) between a marker and a
// phrase hold no clause break and at most limit words that are not numbers
// (or, in scripts without spaces, at most cjkGap bytes).
func (c *markContext) near(m *mark, from, to, limit int) bool {
	if c.sc.breakIn(from, to) {
		return false
	}
	if !m.spaced {
		return to-from <= cjkGap
	}
	words := 0
	for i := from; i < to; i++ {
		if c.folded[i] != ' ' && (i == 0 || c.folded[i-1] == ' ') && !isDigit(c.folded[i]) {
			words++
			if words > limit {
				return false
			}
		}
	}
	return true
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// prepare finds, once per text, the detected language's index, whether the
// text says today, and how far each marker reaches.
func (c *markContext) prepare(hits []hit, lang string) {
	for i, t := range phraseTables {
		if t.lang == lang {
			c.detIdx = i
			break
		}
	}
	for j := range c.marks {
		m := &c.marks[j]
		if m.kind == markToday {
			c.today = true
			continue
		}
		for _, h := range hits {
			p := &compiled.pats[h.pat]
			// Modifiers are adverbials of the same clause and use nothing
			// up: "nicht beim Nachbarn zugestellt".
			if p.stop || p.modifier || int(m.langIdx) != p.langIdx {
				continue
			}
			s, e := span(h)
			if (s >= m.end || (s <= m.start && e > m.end)) && e < m.bound {
				m.bound = e
			}
		}
	}
}
