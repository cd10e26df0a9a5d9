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
		if c[2] != "dev" && c[2] != "heldout" {
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

// TestCorpusAccuracy measures the classifier over the labelled corpus of real
// carrier texts and prints a per-language table (go test -v).
func TestCorpusAccuracy(t *testing.T) {
	rows := loadCorpus(t)
	if len(rows) < 300 {
		t.Fatalf("corpus has %d rows, want at least 300", len(rows))
	}
	per := map[string]*tally{}
	var all, dev, held tally
	for _, r := range rows {
		got := Classify(r.text)
		if per[r.lang] == nil {
			per[r.lang] = &tally{}
		}
		per[r.lang].add(r, got)
		all.add(r, got)
		if r.split == "heldout" {
			held.add(r, got)
		} else {
			dev.add(r, got)
		}
		if got.Substatus != r.want {
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
	var b strings.Builder
	fmt.Fprintf(&b, "\n| language | texts | status | substatus | language detected |\n|---|---:|---:|---:|---:|\n")
	for _, l := range langs {
		x := per[l]
		fmt.Fprintf(&b, "| %s | %d | %.1f%% | %.1f%% | %.1f%% |\n", l, x.n, pct(x.status, x.n), pct(x.sub, x.n), pct(x.lang, x.n))
	}
	for _, row := range []struct {
		name string
		x    tally
	}{{"all", all}, {"dev", dev}, {"held-out", held}} {
		fmt.Fprintf(&b, "| **%s** | %d | %.1f%% | %.1f%% | %.1f%% |\n", row.name, row.x.n, pct(row.x.status, row.x.n), pct(row.x.sub, row.x.n), pct(row.x.lang, row.x.n))
	}
	t.Log(b.String())
	if p := pct(all.status, all.n); p < 95 {
		t.Errorf("status accuracy %.1f%%, want >= 95%%", p)
	}
	if p := pct(all.sub, all.n); p < 85 {
		t.Errorf("substatus accuracy %.1f%%, want >= 85%%", p)
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
		"Délivré,  À  L'ÉCOLE!": "delivre a l ecole",
		"Przesyłka DORĘCZONA":   "przesylka doreczona",
		"Straße":                "strasse",
		"【深圳】已签收":               "深圳 已签收",
		"ВРУЧЕНИЕ Адресату":     "вручение адресату",
		"bad\xffutf8":           "badutf8",
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
