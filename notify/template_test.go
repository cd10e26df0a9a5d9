package notify

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultTemplatesEveryMomentAndLanguage(t *testing.T) {
	tpl := NewTemplates(nil)
	for _, lang := range Languages {
		for _, m := range BuyerMoments {
			data := SampleData(lang.String())
			data.Customer = "Zoë <script>"
			r, err := tpl.Render(m, data, Branding{Color: "#112233", LogoURL: "https://cdn.example/logo.png"})
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, m, err)
			}
			for name, s := range map[string]string{"subject": r.Subject, "body": r.Body, "sms": r.SMS, "text": r.Text, "html": r.HTML} {
				if strings.TrimSpace(s) == "" || strings.Contains(s, "<no value>") {
					t.Errorf("%s/%s %s = %q", lang, m, name, s)
				}
			}
			if !strings.Contains(r.Subject, "#1001") || !strings.Contains(r.SMS, "#1001") {
				t.Errorf("%s/%s: subject %q or sms %q lacks the order reference", lang, m, r.Subject, r.SMS)
			}
			if !strings.Contains(r.Text, data.TrackURL) || !strings.Contains(r.Text, data.UnsubscribeURL) {
				t.Errorf("%s/%s: text email lacks the links:\n%s", lang, m, r.Text)
			}
			if !strings.Contains(r.HTML, `href="`+data.TrackURL+`"`) || !strings.Contains(r.HTML, `lang="`+lang.String()+`"`) ||
				!strings.Contains(r.HTML, "background:#112233") || !strings.Contains(r.HTML, `src="https://cdn.example/logo.png"`) {
				t.Errorf("%s/%s: html email lacks link, language or branding", lang, m)
			}
			if strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "Zoë &lt;script&gt;") {
				t.Errorf("%s/%s: customer name not escaped in HTML", lang, m)
			}
		}
	}
}

func TestTemplatesAreTranslated(t *testing.T) {
	// Each language's subject for the same moment differs from English
	// and contains words of its own language.
	want := map[string]string{"en": "delivered", "de": "zugestellt", "fr": "livrée", "es": "entregado",
		"pt": "entregue", "zh": "签收", "ja": "お届け"}
	for lang, word := range want {
		r, err := Preview(nil, Delivered, lang, Branding{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Subject, word) || r.Lang != lang {
			t.Errorf("%s: subject %q (lang %s), want the word %q", lang, r.Subject, r.Lang, word)
		}
	}
}

func TestMatchLanguage(t *testing.T) {
	cases := []struct{ buyer, tenant, want string }{
		{"pt-BR", "en", "pt"},
		{"zh-Hans-CN", "", "zh"},
		{"zh-TW", "", "zh"},
		{"de-AT", "fr", "de"},
		{"ko", "es", "es"}, // no Korean templates: the tenant's default
		{"", "ja", "ja"},   // unknown buyer language
		{"!!", "nl", "en"}, // nothing matches: English
		{"fr-CA", "de", "fr"},
	}
	for _, c := range cases {
		if got := matchLanguage(c.buyer, c.tenant).String(); got != c.want {
			t.Errorf("matchLanguage(%q, %q) = %s, want %s", c.buyer, c.tenant, got, c.want)
		}
	}
}

func TestOverrideReplacesDefault(t *testing.T) {
	k := TemplateKey{string(Delivered), PartSubject, "de"}
	r, err := Preview(map[TemplateKey]string{k: "Angekommen: {{.Ref}} bei {{.Customer}}"}, Delivered, "de", Branding{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Angekommen: #1001 bei Alex Doe" {
		t.Errorf("subject = %q", r.Subject)
	}
	// Other languages keep the default.
	r, _ = Preview(map[TemplateKey]string{k: "Angekommen"}, Delivered, "en", Branding{})
	if !strings.Contains(r.Subject, "has been delivered") {
		t.Errorf("en subject = %q", r.Subject)
	}
	// An HTML layout override is html/template: values are escaped.
	hk := TemplateKey{LayoutMoment, PartHTML, "en"}
	r, err = Preview(map[TemplateKey]string{hk: "<p>{{.Subject}}</p><a href=\"{{.TrackURL}}\">{{.TrackLabel}}</a>"}, Delivered, "en", Branding{})
	if err != nil {
		t.Fatal(err)
	}
	if r.HTML != `<p>Your order #1001 has been delivered</p><a href="https://track.example.com/track/RR123456785CN">Track your parcel</a>` {
		t.Errorf("html = %q", r.HTML)
	}
}

func TestValidateTemplate(t *testing.T) {
	cases := []struct {
		key      TemplateKey
		text     string
		line     int
		contains string
	}{
		{TemplateKey{"delivered", PartBody, "en"}, "Hello\n\n{{.Nope}}", 3, "Nope"},
		{TemplateKey{"delivered", PartSubject, "en"}, "Line one\n{{if .Ref}}unclosed", 2, ""},
		{TemplateKey{"delivered", PartSMS, "fr"}, "{{template \"missing\"}}", 1, "missing"},
		{TemplateKey{LayoutMoment, PartHTML, "en"}, "<a href=\"{{.TrackURL}}\">\n{{.Bogus}}</a>", 2, "Bogus"},
		{TemplateKey{"teleported", PartBody, "en"}, "x", 0, "unknown moment"},
		{TemplateKey{"delivered", "footer", "en"}, "x", 0, "unknown part"},
		{TemplateKey{"delivered", PartBody, "ko"}, "x", 0, "no default templates"},
		{TemplateKey{"delivered", PartBody, "en"}, "  ", 0, "empty"},
	}
	for _, c := range cases {
		err := ValidateTemplate(c.key, c.text)
		var te *TemplateError
		if !errors.As(err, &te) {
			t.Errorf("%v %q: error %v is not a TemplateError", c.key, c.text, err)
			continue
		}
		if te.Code() != "template_invalid" || te.Line != c.line || !strings.Contains(err.Error(), c.contains) {
			t.Errorf("%v %q: got %v (line %d), want line %d containing %q", c.key, c.text, err, te.Line, c.line, c.contains)
		}
	}
	if err := ValidateTemplate(TemplateKey{"delivered", PartBody, "ja"}, "{{.Customer}} 様、{{.Ref}} をお届けしました。"); err != nil {
		t.Errorf("valid template rejected: %v", err)
	}
}

func BenchmarkRender(b *testing.B) {
	tpl := NewTemplates(nil)
	data := SampleData("de")
	for b.Loop() {
		if _, err := tpl.Render(Delivered, data, Branding{Color: "#112233"}); err != nil {
			b.Fatal(err)
		}
	}
}
