package notify

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/waypost/waypost/status"
)

//go:embed templates
var templateFS embed.FS

// Languages are the languages of the default templates, English first (the
// last fallback).
var Languages = []language.Tag{language.English, language.Chinese, language.Spanish, language.German,
	language.French, language.Portuguese, language.Japanese}

var langMatcher = language.NewMatcher(Languages)

// The parts of a message a tenant can override. Subject, body and sms are
// per moment; html and text are the email layouts, shared by all moments
// (stored under the moment LayoutMoment).
const (
	PartSubject = "subject"
	PartBody    = "body"
	PartSMS     = "sms"
	PartHTML    = "html"
	PartText    = "text"
)

// LayoutMoment is the moment under which the email layouts are stored.
const LayoutMoment = "layout"

// ErrTemplateInvalid is the error code of a template that does not parse
// or fails to render the sample shipment.
const ErrTemplateInvalid = "template_invalid"

// TemplateError is a template rejected at save or failing at render, with
// the line it failed on (0 when unknown).
type TemplateError struct {
	Moment, Part, Language string
	Line                   int
	Err                    error
}

func (e *TemplateError) Error() string {
	at := ""
	if e.Line > 0 {
		at = " line " + strconv.Itoa(e.Line)
	}
	return fmt.Sprintf("%s: %s/%s/%s%s: %v", ErrTemplateInvalid, e.Moment, e.Part, e.Language, at, e.Err)
}

func (e *TemplateError) Unwrap() error { return e.Err }

// Code returns the stable error code, "template_invalid".
func (e *TemplateError) Code() string { return ErrTemplateInvalid }

// templateLine finds the line number in a text/template or html/template
// error ("template: name:3: ..." or "template: name:3:14: executing ...").
var templateLine = regexp.MustCompile(`template: [^:]*:(\d+)`)

func newTemplateError(moment, part, lang string, err error) *TemplateError {
	te := &TemplateError{Moment: moment, Part: part, Language: lang, Err: err}
	if m := templateLine.FindStringSubmatch(err.Error()); m != nil {
		te.Line, _ = strconv.Atoi(m[1])
	}
	return te
}

// TemplateData is what templates see. Every field is text already in the
// message's language.
type TemplateData struct {
	Shop           string // the seller's display name
	Customer       string // the buyer's name; may be empty
	Ref            string // the order reference, or the tracking number without one
	Reference      string
	TrackingNumber string
	Carrier        string
	Status         string // the current status, described in the language
	Location       string // where the last event happened
	Country        string // the destination country's name in the language
	Estimate       string // the expected delivery date, formatted; may be empty
	TrackURL       string
	UnsubscribeURL string
	Moment         string
	Lang           string
}

// SampleData is the shipment templates are checked and previewed with.
func SampleData(lang string) TemplateData {
	tag := matchLanguage(lang, "")
	return TemplateData{
		Shop: "Example Shop", Customer: "Alex Doe", Ref: "#1001", Reference: "#1001",
		TrackingNumber: "RR123456785CN", Carrier: "China Post",
		Status:   status.Describe(status.InTransitArrivedDestinationCountry, tag.String()),
		Location: "Frankfurt, DE", Country: countryName("DE", tag),
		Estimate: formatDate(time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), tag),
		TrackURL: "https://track.example.com/track/RR123456785CN", UnsubscribeURL: "https://track.example.com/u/sample",
		Moment: string(Shipped), Lang: tag.String(),
	}
}

// matchLanguage picks the template language for a buyer: theirs when it
// matches one of Languages, else the tenant's default, else English.
func matchLanguage(buyer, tenantDefault string) language.Tag {
	for _, l := range []string{buyer, tenantDefault} {
		if l == "" {
			continue
		}
		t, err := language.Parse(l)
		if err != nil {
			continue
		}
		_, i, conf := langMatcher.Match(t)
		if conf != language.No {
			return Languages[i]
		}
	}
	return language.English
}

var regionNames = map[language.Tag]display.Namer{
	language.English: display.English.Regions(), language.Chinese: display.Chinese.Regions(),
	language.Spanish: display.Spanish.Regions(), language.German: display.German.Regions(),
	language.French: display.French.Regions(), language.Portuguese: display.Portuguese.Regions(),
	language.Japanese: display.Japanese.Regions(),
}

// countryName names an ISO 3166 country in the language; the code itself
// when unknown.
func countryName(code string, lang language.Tag) string {
	r, err := language.ParseRegion(code)
	if err != nil || code == "" {
		return code
	}
	n := regionNames[lang]
	if n == nil {
		n = regionNames[language.English]
	}
	if s := n.Name(r); s != "" {
		return s
	}
	return code
}

// dateLayouts write a date the way each language does.
var dateLayouts = map[language.Tag]string{
	language.English: "Mon, Jan 2", language.German: "02.01.2006", language.French: "02/01/2006",
	language.Spanish: "02/01/2006", language.Portuguese: "02/01/2006", language.Chinese: "2006年1月2日",
	language.Japanese: "2006年1月2日",
}

func formatDate(t time.Time, lang language.Tag) string {
	if t.IsZero() {
		return ""
	}
	l, ok := dateLayouts[lang]
	if !ok {
		l = dateLayouts[language.English]
	}
	return t.Format(l)
}

// defaults holds the embedded templates: one text/template set per
// language, and the two email layouts.
type defaults struct {
	text map[language.Tag]*template.Template
	html *htmltemplate.Template
	mail *template.Template
}

var builtin = mustLoadDefaults()

func mustLoadDefaults() *defaults {
	d := &defaults{text: map[language.Tag]*template.Template{}}
	for _, tag := range Languages {
		name := "templates/" + tag.String() + ".tmpl"
		b, err := templateFS.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("notify: %s: %v", name, err))
		}
		d.text[tag] = template.Must(template.New(tag.String()).Option("missingkey=error").Parse(string(b)))
	}
	d.html = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/email.html"))
	d.mail = template.Must(template.ParseFS(templateFS, "templates/email.txt"))
	return d
}

// Templates renders messages from the defaults and a tenant's overrides
// (keyed by moment, part and language).
type Templates struct {
	overrides map[string]string
}

// NewTemplates returns the templates of a tenant with the given override
// texts; nil means the defaults only.
func NewTemplates(overrides map[TemplateKey]string) *Templates {
	t := &Templates{overrides: map[string]string{}}
	for k, v := range overrides {
		t.overrides[k.String()] = v
	}
	return t
}

// TemplateKey names one template.
type TemplateKey struct{ Moment, Part, Language string }

func (k TemplateKey) String() string { return k.Moment + "/" + k.Part + "/" + k.Language }

// Rendered is a message rendered in one language.
type Rendered struct {
	Lang    string
	Subject string
	Body    string // plain text paragraphs
	SMS     string // short text, without the link
	Text    string // the whole plain-text email
	HTML    string // the whole HTML email
}

// Render renders every part of moment m for data in data.Lang. Branding
// colours and logo go into the HTML email.
func (t *Templates) Render(m Moment, data TemplateData, b Branding) (Rendered, error) {
	tag := matchLanguage(data.Lang, "")
	data.Lang = tag.String()
	data.Moment = string(m)
	r := Rendered{Lang: data.Lang}
	var err error
	if r.Subject, err = t.part(m, PartSubject, tag, data); err != nil {
		return r, err
	}
	r.Subject = oneLine(r.Subject)
	if r.Body, err = t.part(m, PartBody, tag, data); err != nil {
		return r, err
	}
	if r.SMS, err = t.part(m, PartSMS, tag, data); err != nil {
		return r, err
	}
	r.SMS = oneLine(r.SMS)
	ui := map[string]string{}
	for _, k := range []string{"greeting", "track", "status", "unsubscribe", "sent_by"} {
		if ui[k], err = execText(builtin.text[tag], "ui."+k, data); err != nil {
			return r, newTemplateError("ui", k, data.Lang, err)
		}
	}
	layout := layoutData{TemplateData: data, Subject: r.Subject, Body: strings.TrimSpace(r.Body),
		Paragraphs: paragraphs(r.Body), Greeting: ui["greeting"], TrackLabel: ui["track"],
		StatusLine: ui["status"], UnsubscribeLabel: ui["unsubscribe"], SentBy: ui["sent_by"],
		Color: b.color(), LogoURL: b.LogoURL}
	if r.Text, err = t.textLayout(tag, layout); err != nil {
		return r, err
	}
	if r.HTML, err = t.htmlLayout(tag, layout); err != nil {
		return r, err
	}
	return r, nil
}

// layoutData is what the email layouts see: the template data plus the
// rendered parts and the language's fixed words.
type layoutData struct {
	TemplateData
	Subject, Body                    string
	Paragraphs                       []string
	Greeting, TrackLabel, StatusLine string
	UnsubscribeLabel, SentBy, Color  string
	LogoURL                          string
}

func (t *Templates) part(m Moment, part string, tag language.Tag, data TemplateData) (string, error) {
	key := TemplateKey{string(m), part, tag.String()}
	if src, ok := t.overrides[key.String()]; ok {
		tp, err := template.New(key.String()).Option("missingkey=error").Parse(src)
		if err != nil {
			return "", newTemplateError(key.Moment, part, key.Language, err)
		}
		out, err := execText(tp, key.String(), data)
		if err != nil {
			return "", newTemplateError(key.Moment, part, key.Language, err)
		}
		return out, nil
	}
	out, err := execText(builtin.text[tag], string(m)+"."+part, data)
	if err != nil {
		return "", newTemplateError(key.Moment, part, key.Language, err)
	}
	return out, nil
}

func (t *Templates) textLayout(tag language.Tag, d layoutData) (string, error) {
	key := TemplateKey{LayoutMoment, PartText, tag.String()}
	tp := builtin.mail
	if src, ok := t.overrides[key.String()]; ok {
		var err error
		if tp, err = template.New(key.String()).Option("missingkey=error").Parse(src); err != nil {
			return "", newTemplateError(key.Moment, key.Part, key.Language, err)
		}
	}
	var buf bytes.Buffer
	if err := tp.Execute(&buf, d); err != nil {
		return "", newTemplateError(key.Moment, key.Part, key.Language, err)
	}
	return buf.String(), nil
}

func (t *Templates) htmlLayout(tag language.Tag, d layoutData) (string, error) {
	key := TemplateKey{LayoutMoment, PartHTML, tag.String()}
	tp := builtin.html
	if src, ok := t.overrides[key.String()]; ok {
		var err error
		if tp, err = htmltemplate.New(key.String()).Option("missingkey=error").Parse(src); err != nil {
			return "", newTemplateError(key.Moment, key.Part, key.Language, err)
		}
	}
	var buf bytes.Buffer
	if err := tp.Execute(&buf, d); err != nil {
		return "", newTemplateError(key.Moment, key.Part, key.Language, err)
	}
	return buf.String(), nil
}

func execText(tp *template.Template, name string, data any) (string, error) {
	var buf bytes.Buffer
	if err := tp.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// ValidateTemplate checks a tenant's template text before it is saved: it
// must name a known moment and part, parse, and render the sample
// shipment. The error is a *TemplateError (code "template_invalid").
func ValidateTemplate(k TemplateKey, text string) error {
	tag := matchLanguage(k.Language, "")
	bad := func(err error) error { return newTemplateError(k.Moment, k.Part, k.Language, err) }
	if tag.String() != k.Language {
		return bad(fmt.Errorf("language %q has no default templates; use one of %v", k.Language, Languages))
	}
	switch k.Part {
	case PartSubject, PartBody, PartSMS:
		if rank(Moment(k.Moment)) == 0 {
			return bad(fmt.Errorf("unknown moment %q", k.Moment))
		}
	case PartHTML, PartText:
		if k.Moment != LayoutMoment {
			return bad(fmt.Errorf("the %s layout is stored under moment %q", k.Part, LayoutMoment))
		}
	default:
		return bad(fmt.Errorf("unknown part %q", k.Part))
	}
	if strings.TrimSpace(text) == "" {
		return bad(errors.New("empty template"))
	}
	_, err := Preview(map[TemplateKey]string{k: text}, momentFor(k), k.Language, Branding{})
	return err
}

func momentFor(k TemplateKey) Moment {
	if k.Moment == LayoutMoment {
		return Shipped
	}
	return Moment(k.Moment)
}

// Preview renders moment m in lang for the sample shipment with the given
// overrides, as the settings page shows it.
func Preview(overrides map[TemplateKey]string, m Moment, lang string, b Branding) (Rendered, error) {
	data := SampleData(lang)
	return NewTemplates(overrides).Render(m, data, b)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// paragraphs splits text at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
