package status

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

type corpusRow struct {
	lang, split, text, source string
	want                      Substatus
}

func loadCorpus(tb testing.TB) []corpusRow {
	tb.Helper()
	f, err := os.Open("testdata/corpus.tsv")
	if err != nil {
		tb.Fatalf("open corpus: %v", err)
	}
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		c := strings.Split(l, "\t")
		if len(c) != 5 {
			tb.Fatalf("corpus line %d: %d columns, want 5", line, len(c))
		}
		want, err := ParseSubstatus(c[1])
		if err != nil || want != Substatus(c[1]) {
			tb.Fatalf("corpus line %d: bad substatus %q", line, c[1])
		}
		if c[2] != "dev" && c[2] != "heldout" && c[2] != "frozen" {
			tb.Fatalf("corpus line %d: bad split %q", line, c[2])
		}
		if c[4] == "" {
			tb.Fatalf("corpus line %d: no source", line)
		}
		rows = append(rows, corpusRow{lang: c[0], want: want, split: c[2], text: c[3], source: c[4]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}

type tally struct{ n, status, sub, lang int }

func (t *tally) add(r corpusRow, got Result) {
	t.n++
	if got.Status == r.want.Status() {
		t.status++
	}
	if got.Substatus == r.want {
		t.sub++
	}
	if got.Language == r.lang {
		t.lang++
	}
}

func pct(a, n int) float64 { return 100 * float64(a) / float64(n) }

// Splits of the corpus. dev texts come from the sources the phrase tables
// were written from; heldout texts from sources that were not read while
// writing them (the tables were later adjusted against their misses, with
// general stems only); frozen texts were collected and labelled after the
// last change to the tables and measure wording the classifier has never
// been adjusted to.
var corpusSplits = []string{"dev", "heldout", "frozen"}

// Floors for the frozen split, just below its measurements: 64.8 % / 56.8 %
// when first measured, 68.2 % / 59.1 % after the negation and future rules
// and article folding (measured once, after the change was complete).
const (
	frozenStatusFloor    = 66
	frozenSubstatusFloor = 57
)

// TestCorpusAccuracy measures the classifier over the labelled corpus of real
// carrier texts and prints a per-language, per-split table (go test -v).
func TestCorpusAccuracy(t *testing.T) {
	rows := loadCorpus(t)
	if len(rows) < 300 {
		t.Fatalf("corpus has %d rows, want at least 300", len(rows))
	}
	per := map[string]map[string]*tally{} // language -> split -> tally
	splits := map[string]*tally{}
	var all, tuned tally
	for _, r := range rows {
		got := Classify(r.text)
		if per[r.lang] == nil {
			per[r.lang] = map[string]*tally{}
		}
		for _, m := range []map[string]*tally{per[r.lang], splits} {
			if m[r.split] == nil {
				m[r.split] = &tally{}
			}
			m[r.split].add(r, got)
		}
		all.add(r, got)
		if r.split != "frozen" {
			tuned.add(r, got)
		}
		// Frozen misses are counted, never listed: reading them would turn
		// the split into one the tables are adjusted against.
		if got.Substatus != r.want && r.split != "frozen" {
			t.Logf("miss [%s/%s] %q: got %s (%.2f), want %s", r.lang, r.split, r.text, got.Substatus, got.Confidence, r.want)
		}
	}
	langs := make([]string, 0, len(per))
	for l := range per {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	if len(langs) < 10 {
		t.Errorf("corpus covers %d languages, want at least 10", len(langs))
	}
	cell := func(x *tally) string {
		if x == nil || x.n == 0 {
			return "| – | – | – "
		}
		return fmt.Sprintf("| %d | %.1f%% | %.1f%% ", x.n, pct(x.status, x.n), pct(x.sub, x.n))
	}
	var b strings.Builder
	b.WriteString("\n| language | dev texts | status | substatus | held-out texts | status | substatus | frozen texts | status | substatus |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, l := range langs {
		b.WriteString("| " + l + " ")
		for _, sp := range corpusSplits {
			b.WriteString(cell(per[l][sp]))
		}
		b.WriteString("|\n")
	}
	b.WriteString("| **all** ")
	for _, sp := range corpusSplits {
		b.WriteString(cell(splits[sp]))
	}
	b.WriteString("|\n")
	fmt.Fprintf(&b, "\nall %d texts: status %.1f%%, substatus %.1f%%, language detected %.1f%%\n",
		all.n, pct(all.status, all.n), pct(all.sub, all.n), pct(all.lang, all.n))
	t.Log(b.String())

	// dev and held-out together are what the tables were adjusted against.
	if p := pct(tuned.status, tuned.n); p < 95 {
		t.Errorf("dev+held-out status accuracy %.1f%%, want >= 95%%", p)
	}
	if p := pct(tuned.sub, tuned.n); p < 85 {
		t.Errorf("dev+held-out substatus accuracy %.1f%%, want >= 85%%", p)
	}
	// Floors just below the measured figures, so that a change to the
	// tables or the scoring that loses general wording is caught.
	floors := map[string][2]float64{"heldout": {90, 84}, "frozen": {frozenStatusFloor, frozenSubstatusFloor}}
	for sp, f := range floors {
		x := splits[sp]
		if x == nil {
			x = &tally{}
		}
		if x.n < 50 {
			t.Errorf("split %s has %d texts, want at least 50", sp, x.n)
			continue
		}
		if p := pct(x.status, x.n); p < f[0] {
			t.Errorf("%s status accuracy %.1f%%, want >= %.0f%%", sp, p, f[0])
		}
		if p := pct(x.sub, x.n); p < f[1] {
			t.Errorf("%s substatus accuracy %.1f%%, want >= %.0f%%", sp, p, f[1])
		}
	}
}

// The distinctions the taxonomy exists for.
func TestClassifyDistinctions(t *testing.T) {
	cases := []struct {
		text string
		want Substatus
	}{
		{"Delivery attempted — recipient not home", AttemptFailRecipientUnavailable},
		{"Delivered to neighbour", DeliveredNeighbour},
		{"Returned to sender", ExceptionReturned},
		{"Return to sender initiated", ExceptionReturning},
		{"Held by customs", ExceptionCustomsHeld},
		{"Customs clearance completed", InTransitCustomsCleared},
		{"Import duties/fees to be paid", ExceptionDutiesDue},
		{"Arrived at destination country", InTransitArrivedDestinationCountry},
		{"Departed from origin country", InTransitDepartedOriginCountry},
		{"Handed over to the destination postal operator", InTransitHandedOver},
		{"Could not be delivered", AttemptFailOther},
		{"Delivered, front door", DeliveredDelivered},
		{"Die Sendung konnte nicht zugestellt werden. Der Empfänger wurde nicht angetroffen.", AttemptFailRecipientUnavailable},
		{"Die Sendung wurde an einen Nachbarn zugestellt.", DeliveredNeighbour},
		{"已签收", DeliveredDelivered},
		{"未妥投", AttemptFailOther},
		{"海关放行", InTransitCustomsCleared},
		{"Неудачная попытка вручения", AttemptFailOther},
		{"Вручение адресату", DeliveredDelivered},
		// Articles between the words of a phrase (DHL delivered event).
		{"The shipment has been picked up by the recipient at the DHL Service Point", DeliveredPickedUp},
		// Arrival at a delivery office is a facility arrival; "in the
		// destination country" only says where (Canada Post 4600).
		{"Item has arrived at the delivery office in the destination country", InTransitArrivedFacility},
		{"Item arrived in the destination country", InTransitArrivedDestinationCountry},
	}
	for _, c := range cases {
		got := Classify(c.text)
		if got.Substatus != c.want || got.Status != c.want.Status() {
			t.Errorf("Classify(%q) = %s/%s, want %s", c.text, got.Status, got.Substatus, c.want)
		}
		if got.Confidence < 0.5 || got.Confidence > 1 {
			t.Errorf("Classify(%q): confidence %.2f outside [0.5, 1] for a clear phrase", c.text, got.Confidence)
		}
	}
}

func TestClassifyUnknownIsPendingWithZeroConfidence(t *testing.T) {
	for _, text := range []string{"", "   ", "Lorem ipsum dolor sit amet", "12345", "\xff\xfe", strings.Repeat("x", 5000)} {
		got := Classify(text)
		if got.Status != Pending || got.Substatus != PendingPending || got.Confidence != 0 {
			t.Errorf("Classify(%q) = %+v, want pending with confidence 0", text, got)
		}
	}
}

func TestClassifyLanguage(t *testing.T) {
	cases := map[string]string{
		"Delivered":                          "en",
		"Die Sendung wurde zugestellt.":      "de",
		"Votre colis est livré.":             "fr",
		"Objeto entregue ao destinatário":    "pt",
		"Zending is bezorgd":                 "nl",
		"Przesyłka doręczona":                "pl",
		"Прибыло в место вручения":           "ru",
		"已签收":                                "zh",
		"お届け先にお届け済み":                         "ja",
		"引受":                                 "ja", // Han only, explained by a Japanese phrase
		"배송완료":                               "ko",
		"تم تسليم الشحنة":                    "ar",
		"Il pacco e' stato consegnato.":      "it",
		"Alıcıya teslim edildi.":             "tr",
		"Disponible para recoger en oficina": "es",
	}
	for text, want := range cases {
		if got := Classify(text).Language; got != want {
			t.Errorf("language of %q = %s, want %s", text, got, want)
		}
	}
}

func TestClassifyLangHint(t *testing.T) {
	// "Entregado" is Spanish; with a Portuguese hint the Spanish phrase is
	// still the only one that matches, so the status holds but confidence drops.
	plain := Classify("Entregado")
	hinted := ClassifyLang("Entregado", "pt-BR")
	if hinted.Language != "pt" || hinted.Status != Delivered {
		t.Errorf("hinted = %+v", hinted)
	}
	if hinted.Confidence >= plain.Confidence {
		t.Errorf("hint in another language should lower confidence: %.2f >= %.2f", hinted.Confidence, plain.Confidence)
	}
	if got := ClassifyLang("Delivered", "xx"); got.Language != "en" {
		t.Errorf("unknown hint not ignored: %+v", got)
	}
}

func TestClassifyLongText(t *testing.T) {
	long := "Delivered " + strings.Repeat("and then some more words ", 400)
	got := Classify(long)
	if got.Status != Delivered {
		t.Errorf("long text: %+v", got.Status)
	}
	if got.Text != long {
		t.Error("Result.Text must be the input text")
	}
}

func TestFoldNormalises(t *testing.T) {
	cases := map[string]string{
		"Délivré,  À  L'ÉCOLE!":                        "delivre ecole", // articles dropped (articles.go)
		"Przesyłka DORĘCZONA":                          "przesylka doreczona",
		"Straße":                                       "strasse",
		"【深圳】已签收":                                      "深圳 已签收",
		"ВРУЧЕНИЕ Адресату":                            "вручение адресату",
		"bad\xffutf8":                                  "badutf8",
		"Picked up by THE recipient":                   "picked up by recipient",
		"Die Sendung wurde an den Empfänger übergeben": "sendung wurde empfanger ubergeben",
		"Theodor, another article":                     "theodor another article", // words that only start like one stay
		"a":                                            "",
	}
	for in, want := range cases {
		if got := foldString(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	var buf [maxFold]byte
	var sc scriptCounts
	if n := fold(strings.Repeat("ä", 3000), &buf, &sc); n > maxFold {
		t.Errorf("fold overflowed: %d", n)
	}
}

func TestPhraseTablesCompile(t *testing.T) {
	if len(ClassifierLanguages()) < 12 {
		t.Errorf("%d classifier languages, want at least 12", len(ClassifierLanguages()))
	}
	for _, tb := range phraseTables {
		if len(tb.phrases) < 20 {
			t.Errorf("%s: only %d phrases", tb.lang, len(tb.phrases))
		}
		for _, ph := range tb.phrases {
			if !utf8.ValidString(ph.text) || foldString(ph.text) == "" {
				t.Errorf("%s: phrase %q folds to nothing", tb.lang, ph.text)
			}
		}
	}
}
