package track

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"

	"github.com/waypost/waypost/web/ui"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

func ownAssets() *ui.Assets {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return ui.NewAssets(StaticPrefix, sub)
}

func (h *Handler) parseTemplates() (*template.Template, error) {
	funcs := template.FuncMap{
		"asset": h.assets.URL,
		"kinds": func() []string { return reportKinds },
		"langURL": func(v *view, lang string) string {
			q, _ := url.ParseQuery(v.Query)
			q.Set("lang", lang)
			p := v.Path
			if v.Embed {
				p = "/track/embed"
			}
			return p + "?" + q.Encode()
		},
		"tr":     func(v *view, key string) string { return v.L[key] },
		"newKey": newFormKey,
		"queryFields": func(q string) url.Values {
			v, _ := url.ParseQuery(q)
			return v
		},
	}
	t, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("track: templates: %w", err)
	}
	return t, nil
}
