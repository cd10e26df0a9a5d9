package status

import (
	"strings"
	"testing"
)

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "Delivered", "已签收", "Прибыло в место вручения", "\xff", "Delivery attempted — recipient not home",
		"お届け先にお届け済み", strings.Repeat("ß", 700), "retour à l'expéditeur"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Classify(s)
		if !r.Status.Valid() || !r.Substatus.Valid() || r.Substatus.Status() != r.Status {
			t.Fatalf("Classify(%q) = %+v: invalid status", s, r)
		}
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("Classify(%q): confidence %v", s, r.Confidence)
		}
		if r.Text != s || r.Language == "" {
			t.Fatalf("Classify(%q) = %+v", s, r)
		}
	})
}
