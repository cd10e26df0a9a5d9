package status

import "testing"

func TestDescribeEveryLanguage(t *testing.T) {
	if len(descriptions) != len(Substatuses) {
		t.Errorf("%d descriptions for %d substatuses", len(descriptions), len(Substatuses))
	}
	for _, s := range Substatuses {
		for _, lang := range []string{"en", "zh-Hans", "es", "de", "fr", "pt", "ja"} {
			if Describe(s, lang) == "" {
				t.Errorf("%s: empty description in %s", s, lang)
			}
		}
	}
}

func TestDescribeFallback(t *testing.T) {
	cases := []struct{ lang, want string }{
		{"pt-BR", "Entregue"},
		{"de-AT", "Zugestellt"},
		{"zh-CN", "已签收"},
		{"zh", "已签收"},
		{"ja-JP", "配達完了"},
		{"xx", "Delivered"},
		{"", "Delivered"},
		{"not a tag!", "Delivered"},
		{"fr-CA", "Livré"},
	}
	for _, c := range cases {
		if got := Describe(DeliveredDelivered, c.lang); got != c.want {
			t.Errorf("Describe(delivered, %q) = %q, want %q", c.lang, got, c.want)
		}
	}
	if Describe("bogus.reason", "en") != "" {
		t.Error("unknown substatus described")
	}
}
