package alert_test

import (
	"strings"
	"testing"
	"time"

	"github.com/waypost/waypost/alert"
)

func TestBuyerMessages(t *testing.T) {
	est := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	v := alert.BuyerVars{Name: "Jonas", Reference: "#1042", Shop: "Ada's Shop", Estimate: est}
	// The date each language writes, and its words of apology.
	want := map[string][2]string{
		"en": {"Monday, 9 March 2026", "sorry"},
		"de": {"09.03.2026", "leid|Entschuldigen"},
		"fr": {"09/03/2026", "désolés|excuser"},
		"es": {"09/03/2026", "Lo sentimos|Disculpa"},
		"pt": {"09/03/2026", "desculpa|Lamentamos"},
		"zh": {"2026年3月9日", "抱歉"},
		"ja": {"2026年3月9日", "申し訳"},
	}
	for _, lang := range alert.Languages {
		for _, k := range alert.Kinds {
			m := alert.BuyerMessageFor(k, lang, v)
			if m.Lang != lang {
				t.Errorf("%s/%s: lang %q", lang, k, m.Lang)
			}
			for _, s := range []string{m.Subject, m.Body} {
				if strings.ContainsAny(s, "{}") {
					t.Errorf("%s/%s: placeholder left: %q", lang, k, s)
				}
			}
			if !strings.Contains(m.Subject, "#1042") || !strings.Contains(m.Body, "#1042") || !strings.Contains(m.Body, "Jonas") ||
				!strings.Contains(m.Body, "Ada's Shop") {
				t.Errorf("%s/%s: reference, name or shop missing:\n%s\n%s", lang, k, m.Subject, m.Body)
			}
			if !strings.Contains(m.Body, want[lang][0]) || !containsAny(m.Body, strings.Split(want[lang][1], "|")) {
				t.Errorf("%s/%s: want date %q and %q in:\n%s", lang, k, want[lang][0], want[lang][1], m.Body)
			}
		}
	}
	// The news differs by kind: customs says customs, loss says lost.
	if m := alert.BuyerMessageFor(alert.CustomsDelay, "de", v); !strings.Contains(m.Body, "Zoll") {
		t.Errorf("German customs message: %s", m.Body)
	}
	if m := alert.BuyerMessageFor(alert.Lost, "es", v); !strings.Contains(m.Body, "perdido") {
		t.Errorf("Spanish loss message: %s", m.Body)
	}
	// Regional tags use their base language; unknown ones get English.
	if m := alert.BuyerMessageFor(alert.Stalled, "pt-BR", v); m.Lang != "pt" {
		t.Errorf("pt-BR -> %s", m.Lang)
	}
	if m := alert.BuyerMessageFor(alert.Stalled, "zh_Hant", v); m.Lang != "zh" {
		t.Errorf("zh_Hant -> %s", m.Lang)
	}
	if m := alert.BuyerMessageFor(alert.Stalled, "ko", v); m.Lang != "en" {
		t.Errorf("ko -> %s", m.Lang)
	}
	// Without an estimate or a name.
	m := alert.BuyerMessageFor(alert.Stalled, "en", alert.BuyerVars{Reference: "#7", Shop: "S"})
	if !strings.HasPrefix(m.Body, "Hello,") || !strings.Contains(m.Body, "as soon as we know more") || strings.Contains(m.Body, "estimated") {
		t.Errorf("no-estimate message:\n%s", m.Body)
	}
}

func TestPlaybooks(t *testing.T) {
	for _, k := range alert.Kinds {
		p := alert.PlaybookFor(k)
		if p.Kind != k || p.Title == "" || len(p.Causes) == 0 || len(p.Actions) == 0 {
			t.Errorf("%s: incomplete playbook %+v", k, p)
		}
	}
	has := func(k alert.Kind, words ...string) {
		t.Helper()
		all := strings.ToLower(strings.Join(alert.PlaybookFor(k).Actions, " "))
		for _, w := range words {
			if !strings.Contains(all, w) {
				t.Errorf("%s actions lack %q", k, w)
			}
		}
	}
	has(alert.InvestigationDue, "investigation", "claim", "proof of the transaction")
	has(alert.CustomsDelay, "commercial invoice", "hs code", "product description", "duties")
	has(alert.FailedDelivery, "address", "phone", "re-delivery", "pickup point")
	has(alert.Damaged, "photos", "claim", "resend", "refund")
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
