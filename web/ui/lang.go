package ui

import (
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

// Language is one language a page is offered in.
type Language struct {
	Tag  string // BCP 47, as used in lang="" and ?lang=
	Name string // the language's own name, for the switcher
}

// Languages are the page languages, in switcher order. The status
// descriptions (package status) cover the same seven.
var Languages = []Language{
	{"en", "English"}, {"zh", "中文"}, {"es", "Español"}, {"de", "Deutsch"},
	{"fr", "Français"}, {"pt", "Português"}, {"ja", "日本語"},
}

var (
	langTags = func() []language.Tag {
		out := make([]language.Tag, len(Languages))
		for i, l := range Languages {
			out[i] = language.MustParse(l.Tag)
		}
		return out
	}()
	matcher = language.NewMatcher(langTags)
)

// LangCookie remembers a language the visitor picked in the switcher.
const LangCookie = "wp_lang"

// Match returns the page language that best fits a BCP 47 tag or an
// Accept-Language value, and "en" when nothing fits.
func Match(pref string) string {
	tags, _, err := language.ParseAcceptLanguage(pref)
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return "en"
	}
	return Languages[i].Tag
}

// Supported reports whether tag is one of Languages exactly.
func Supported(tag string) bool {
	for _, l := range Languages {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

// Negotiate picks the page language: an explicit ?lang= first, then the
// switcher's cookie, then Accept-Language.
func Negotiate(r *http.Request) string {
	if l := strings.TrimSpace(r.URL.Query().Get("lang")); l != "" {
		return Match(l)
	}
	if c, err := r.Cookie(LangCookie); err == nil && c.Value != "" {
		return Match(c.Value)
	}
	return Match(r.Header.Get("Accept-Language"))
}
