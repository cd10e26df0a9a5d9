package ui

import (
	"fmt"
	"strings"
)

// Catalog holds UI strings per page language: Catalog[lang][key]. English
// must have every key; a key missing in another language falls back to
// English, so a new string never shows up as its key.
type Catalog map[string]map[string]string

// T returns the text of key in lang, with fmt verbs filled from args.
func (c Catalog) T(lang, key string, args ...any) string {
	s, ok := c[lang][key]
	if !ok {
		s, ok = c["en"][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Check reports keys that a language lacks or has in excess compared with
// English, and languages missing altogether, for a test to fail on.
func (c Catalog) Check() []string {
	var problems []string
	en := c["en"]
	for _, l := range Languages {
		m, ok := c[l.Tag]
		if !ok {
			problems = append(problems, "missing language "+l.Tag)
			continue
		}
		for k := range en {
			if strings.TrimSpace(m[k]) == "" {
				problems = append(problems, fmt.Sprintf("%s: missing %q", l.Tag, k))
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				problems = append(problems, fmt.Sprintf("%s: %q is not an English key", l.Tag, k))
			}
		}
	}
	return problems
}
